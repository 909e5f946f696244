//! The UI's Swedish, in one place, so that another language can follow.

use tertial_app::{AppError, ImportProblem};
use tertial_domain::{
    AuditAction, AuditSubject, Field, Invalid, Problem, ReportStatus, Role, Round, RoundStatus,
};

/// "Tertialrapport 1 2022": as the documents name it.
pub fn round_name(round: &Round) -> String {
    tertial_documents::swedish::round_name(round)
}

pub fn round_status(status: RoundStatus) -> &'static str {
    match status {
        RoundStatus::Planned => "Planerad",
        RoundStatus::Open => "Öppen",
        RoundStatus::Closed => "Stängd",
    }
}

/// A report's status as the person reads it. Once the round has closed, a report that was
/// never submitted is "Inte inskickad", whatever was drafted.
pub fn report_status(status: ReportStatus, round: RoundStatus) -> &'static str {
    if round == RoundStatus::Closed && status.editable() {
        return "Inte inskickad";
    }
    match status {
        ReportStatus::NotStarted => "Ej påbörjad",
        ReportStatus::Draft => "Utkast",
        ReportStatus::Submitted => "Inskickad",
        ReportStatus::Returned => "Återsänd för komplettering",
        ReportStatus::Approved => "Godkänd",
    }
}

pub fn role(role: Role) -> &'static str {
    match role {
        Role::Admin => "Administratör",
        Role::Coordinator => "Samordnare",
        Role::Reporter => "Rapportör",
        Role::Reader => "Läsare",
    }
}

/// What to tell the reporter about a problem that stops a submission; `number` is the
/// question's number on the form.
pub fn problem(problem: &Problem, number: Option<&str>) -> String {
    match problem {
        Problem::Unanswered(_) => format!(
            "Besvara fråga {} eller markera den som Ej aktuellt",
            number.unwrap_or("")
        ),
        Problem::ContactNameMissing => "Ange kontaktpersonens namn".into(),
        Problem::ContactPhoneMissing => "Ange kontaktpersonens telefonnummer".into(),
        Problem::ContactPhoneInvalid => {
            "Ange telefonnumret med siffror, till exempel 08-508 000 00".into()
        }
        Problem::ContactEmailMissing => "Ange kontaktpersonens e-postadress".into(),
        Problem::ContactEmailInvalid => {
            "Ange e-postadressen i rätt format, till exempel namn@example.se".into()
        }
    }
}

/// The heading of the page that shows an error with this status.
pub fn error_title(status: axum::http::StatusCode) -> &'static str {
    use axum::http::StatusCode;
    match status {
        StatusCode::NOT_FOUND => "Sidan finns inte",
        StatusCode::FORBIDDEN => "Ingen behörighet",
        StatusCode::CONFLICT => "Det gick inte att spara",
        StatusCode::PAYLOAD_TOO_LARGE => "För stort",
        StatusCode::UNAUTHORIZED => "Du är utloggad",
        s if s.is_server_error() => "Något gick fel",
        _ => "Det gick inte",
    }
}

/// What the accessibility statement lists as not accessible yet. While anything is listed,
/// the statement says the service is "delvis förenlig" with the law; remove a line the day
/// its problem is fixed.
pub const KNOWN_ACCESSIBILITY_GAPS: &[&str] = &[
    "En inskickad version laddas ned som en textfil i Markdown: rubriker och markeringar \
     läses upp som tecken (#, *) och filen saknar dokumentstruktur (WCAG 1.3.1). Versionen \
     finns också som webbsida med riktiga rubriker.",
];

/// When the accessibility statement that comes with this version of Tertial was written.
pub const STATEMENT_WRITTEN: jiff::civil::Date = jiff::civil::date(2026, 11, 29);

pub const MENU_MY_REPORTS: &str = "Mina rapporter";
pub const MENU_ROUNDS: &str = "Omgångar";

pub const EMAIL_MISSING: &str = "Ange din e-postadress.";
pub const PASSWORD_MISSING: &str = "Ange ditt lösenord.";
pub const SIGN_IN_FAILED: &str = "Fel e-postadress eller lösenord.";
pub const CSRF_FAILED: &str = "Formuläret har gått ut eller kommer från en annan webbplats. \
     Ladda om sidan och försök igen.";
pub const SIGN_IN_EXPIRED: &str =
    "Inloggningssidan hade gått ut. Skriv ditt lösenord igen och logga in.";
pub const CSRF_KEPT: &str = "Formuläret hade gått ut, så ingenting sparades. Jämför din text \
     med den sparade texten och välj för varje fråga om din text ska sparas.";
pub const RESUMED: &str = "Du är inloggad igen. Det du skrev innan du blev utloggad är inte \
     sparat. Jämför din text med den sparade texten och välj för varje fråga om din text ska \
     sparas.";
pub const TOO_LARGE: &str = "Det du skickade är för stort. Korta texten och försök igen.";
pub const FOREIGN_SITE: &str = "Det här kom från en annan webbplats och stoppades. Ingenting \
     ändrades. Gå till Tertial direkt och försök igen där.";
pub const TOO_SLOW: &str = "Det tog för lång tid att ta emot formuläret. Försök igen.";
pub const MALFORMED: &str = "Formuläret kunde inte läsas. Ladda om sidan och försök igen.";
pub const NOT_FOUND: &str = "Sidan finns inte, eller så har du inte tillgång till den.";
pub const FORBIDDEN: &str = "Du har inte behörighet att göra det här.";
pub const SIGNED_OUT: &str = "Du är utloggad. Logga in igen för att fortsätta.";
pub const INTERNAL: &str = "Något gick fel hos oss. Försök igen om en stund.";
pub const UNAVAILABLE: &str = "Tertial kan inte spara eller läsa i sin databas just nu, på \
     grund av ett fel hos oss. Det som redan är sparat finns kvar. Försök igen om en stund.";

/// What to say when posted changes were refused because the report can no longer be
/// changed: nothing of them was stored. `last` is the report's latest submission.
pub fn not_stored(error: &AppError, last: Option<&tertial_domain::Submission>) -> String {
    let why = match (error, last) {
        (AppError::RoundNotOpen, _) => "omgången är stängd".to_owned(),
        (AppError::NotEditable(ReportStatus::Approved), _) => "rapporten är godkänd".to_owned(),
        (_, Some(s)) => format!(
            "rapporten skickades in av {} {} (version {})",
            s.submitted_by_name,
            crate::time::date_time(s.submitted_at),
            s.number
        ),
        _ => "rapporten kan inte ändras".to_owned(),
    };
    format!(
        "Dina ändringar sparades inte: {why}. Din text som inte finns i rapporten visas \
         nedan, så att du kan kopiera den."
    )
}

/// The message and the kind of trouble an error means for the person.
pub fn error_message(error: &AppError) -> String {
    match error {
        AppError::InvalidText { error, .. } => invalid_text(error),
        AppError::Unauthenticated => SIGNED_OUT.into(),
        AppError::BadCredentials => SIGN_IN_FAILED.into(),
        AppError::PasswordSignInOff => PASSWORD_SIGN_IN_OFF.into(),
        AppError::SsoRefused(refusal) => sso_refused(*refusal).into(),
        AppError::Throttled(wait) => format!(
            "För många misslyckade inloggningar. Vänta {} och försök igen.",
            duration(*wait)
        ),
        AppError::NotFound => NOT_FOUND.into(),
        AppError::Forbidden => FORBIDDEN.into(),
        AppError::NotEditable(ReportStatus::Approved) => {
            "Rapporten är godkänd och kan inte längre ändras.".into()
        }
        AppError::NotEditable(_) => {
            "Rapporten är redan inskickad och kan inte ändras. Samordnaren kan återsända den \
             för komplettering."
                .into()
        }
        AppError::RoundNotOpen => "Omgången är stängd. Svaren kan inte längre ändras.".into(),
        AppError::Invalid(error) => invalid_text(error),
        AppError::Duplicate(_) => "Det finns redan.".into(),
        AppError::ReviewIncomplete(problem) => review_problem(*problem).into(),
        AppError::ReviewRefused(refusal) => review_refused(*refusal),
        AppError::Import(problem) => import_problem(problem),
        e @ AppError::Store(_) if e.unavailable() => UNAVAILABLE.into(),
        AppError::Store(_) | AppError::Internal(_) => INTERNAL.into(),
    }
}

/// Why a text was refused.
pub fn invalid_text(error: &Invalid) -> String {
    match error {
        Invalid::TooLong { chars, max } => format!(
            "Texten är för lång: {} tecken. Högst {} tecken får plats.",
            thousands(*chars),
            thousands(*max)
        ),
        Invalid::InvisibleCharacter => "Texten innehåller osynliga tecken som kan dölja eller \
             vända på text (till exempel styrtecken för skrivriktning). Ta bort dem och försök \
             igen."
            .into(),
        Invalid::LineBreak => "Fältet får bara innehålla en rad. Ta bort radbrytningen.".into(),
        Invalid::ControlCharacter => {
            "Texten innehåller otillåtna tecken (kontrolltecken). Ta bort dem och försök igen."
                .into()
        }
        Invalid::Key(_) | Invalid::Code(_) => NOT_FOUND.into(),
    }
}

/// A wait in words: "1 sekund", "40 sekunder", "3 minuter" (rounded up).
pub fn duration(wait: jiff::SignedDuration) -> String {
    let seconds = wait.as_secs() + i64::from(wait.subsec_nanos() > 0);
    match seconds {
        ..=1 => "1 sekund".into(),
        2..=59 => format!("{seconds} sekunder"),
        60..=119 => "1 minut".into(),
        _ => format!("{} minuter", (seconds + 59) / 60),
    }
}

/// 20000 → "20 000", as Swedish writes numbers.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

// The reporter's form: its messages, and every word its script shows.

/// What a field is called in messages: "Fråga 1.2", or the field's own name.
pub fn field_name(field: &Field, number: Option<&str>) -> String {
    match field {
        Field::Answer(_) => format!("Fråga {}", number.unwrap_or("")),
        Field::OtherInformation => "Övriga upplysningar".into(),
        fixed => field_label(fixed).into(),
    }
}

/// A fixed field's label on the form (a question's label is its text). The contact
/// person's are the documents' own.
pub fn field_label(field: &Field) -> &'static str {
    use tertial_documents::swedish;
    match field {
        Field::ContactName => swedish::CONTACT_NAME,
        Field::ContactPhone => swedish::CONTACT_PHONE,
        Field::ContactEmail => swedish::CONTACT_EMAIL,
        Field::OtherInformation => "Övriga upplysningar (frivilligt)",
        Field::Answer(_) => "",
    }
}

pub const NOT_APPLICABLE: &str = "Ej aktuellt";
pub const COMPARE_AND_SAVE_AGAIN: &str = "Jämför och spara igen.";
/// Who runs Tertial, in the accessibility statement, when the organisation is not named.
pub const UNNAMED_ORGANISATION: &str = "Den organisation som använder Tertial";
pub const FULLY_COMPLIANT: &str = "helt förenlig";
pub const PARTLY_COMPLIANT: &str = "delvis förenlig";

/// An account on the demo's sign-in page: "Rapportör för Skärholmen".
pub fn role_for(role: Role, bodies: &[String]) -> String {
    if bodies.is_empty() {
        self::role(role).to_owned()
    } else {
        format!("{} för {}", self::role(role), bodies.join(", "))
    }
}

/// One wording for a conflict, everywhere: "Fråga 1.2 ändrades av någon annan medan du
/// skrev." (`name` as [`field_name`] gives it).
pub fn changed_meanwhile(name: &str) -> String {
    format!("{name} ändrades av någon annan medan du skrev.")
}

pub const CHANGED_MEANWHILE_TITLE: &str = "Svar som ändrades av någon annan medan du skrev";
pub const CANNOT_SUBMIT_YET: &str = "Rapporten kan inte skickas in än";
pub const CHANGES_SAVED: &str = "Dina ändringar är sparade.";
pub const COULD_NOT_SAVE: &str = "Det gick inte att spara";
pub const TEXT_NOT_SAVED: &str = "Din text är inte sparad";

/// "Sparat kl. 14.02" (`clock` as `time::clock` gives it).
pub fn saved_at(clock: &str) -> String {
    format!("Sparat kl. {clock}")
}

/// Every text the form's script shows, by the name the script uses. `{name}` is filled in
/// by the script.
pub const SCRIPT: &[(&str, &str)] = &[
    ("saving", "Sparar…"),
    ("saved", "Sparat kl. {time}"),
    ("notSaved", "Inte sparat: {why}"),
    ("error", "något gick fel."),
    ("ourError", "något gick fel hos oss."),
    ("noContact", "ingen kontakt med servern."),
    (
        "retrying",
        "Inte sparat: {why} Texten finns kvar i webbläsaren. Nytt försök om {seconds} sekunder.",
    ),
    (
        "saveProblem",
        "Dina senaste ändringar är inte sparade än. De finns kvar i den här webbläsaren och \
         sparas automatiskt så snart det går. Stäng inte sidan.",
    ),
    (
        "signedOut",
        "Inte sparat: du är utloggad. Texten finns kvar i webbläsaren.",
    ),
    (
        "signedOutBanner",
        "Du har blivit utloggad. Det du har skrivit finns kvar i den här webbläsaren och \
         sparas när du loggar in igen.",
    ),
    ("signInAgain", "Logga in igen"),
    (
        "conflict",
        "Inte sparat: {question} ändrades av någon annan medan du skrev. Jämför och välj under \
         fältet.",
    ),
    (
        "compare",
        "Jämför din text med den sparade texten och välj ({question})",
    ),
    ("yourText", "Din text"),
    ("theirText", "Den sparade texten ({time})"),
    ("keepMine", "Behåll min text"),
    ("takeTheirs", "Använd den sparade texten"),
    ("merge", "Slå ihop och redigera"),
    ("theirsUsed", "Den sparade texten används."),
    (
        "merged",
        "Texterna är sammanslagna. Redigera dem; ändringarna sparas när du slutar skriva.",
    ),
    ("notApplicable", "Ej aktuellt"),
    ("answered", "{count} av {total} frågor besvarade"),
    ("charsLeft", "Du har {count} tecken kvar."),
    (
        "charsOver",
        "Du har {count} tecken för mycket. Texten sparas inte förrän den är kortare.",
    ),
    (
        "restored",
        "Text som inte hann sparas förra gången är återställd.",
    ),
    (
        "sessionIdle",
        "Du loggas snart ut eftersom du inte har gjort något på en stund. Välj Fortsätt vara \
         inloggad om du vill fortsätta. Det du har skrivit finns kvar i webbläsaren.",
    ),
    (
        "sessionEnds",
        "Du loggas ut kl. {time} eftersom du har varit inloggad länge, och det går inte att \
         förlänga. Det du har skrivit finns kvar i webbläsaren och sparas när du loggar in \
         igen.",
    ),
    ("stillSignedIn", "Du är fortfarande inloggad."),
];

/// [`SCRIPT`], with the report's status after its first save, as the JSON the page hands
/// the script in a `<script type="application/json">` element: `<`, `>` and `&` are
/// escaped, so no text can end that element.
pub fn script_json() -> String {
    let mut texts: serde_json::Map<String, serde_json::Value> = SCRIPT
        .iter()
        .map(|(key, text)| ((*key).to_owned(), (*text).into()))
        .collect();
    texts.insert(
        "draft".into(),
        report_status(ReportStatus::Draft, RoundStatus::Open).into(),
    );
    // The readability hint under each answer, and LIX's levels, easiest first.
    use tertial_documents::insights;
    texts.insert("readability".into(), insights::HINT.into());
    let levels = insights::LEVELS.map(|l| serde_json::Value::from(insights::level(l)));
    texts.insert("lixLevels".into(), levels.to_vec().into());
    serde_json::Value::Object(texts)
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

// The audit log (Händelselogg).

pub const MENU_AUDIT_LOG: &str = "Händelselogg";
/// Who did it, when no one was signed in (or the command line did it).
pub const NOBODY: &str = "–";
/// A mail in the outbox, as the audit log names it ("E-post 12").
pub const MAIL: &str = "E-post";

/// An action as the audit log names it.
pub fn audit_action(action: AuditAction) -> &'static str {
    match action {
        AuditAction::SignedIn => "Loggade in",
        AuditAction::SignInFailed => "Misslyckad inloggning",
        AuditAction::SignedOut => "Loggade ut",
        AuditAction::AnswerSaved => "Sparade ett svar",
        AuditAction::SaveConflict => "Svar ändrat av någon annan",
        AuditAction::ReportSubmitted => "Skickade in rapporten",
        AuditAction::SubmissionRead => "Läste en inskickad version",
        AuditAction::SubmissionDownloaded => "Laddade ned en inskickad version",
        AuditAction::AccessRefused => "Nekades åtkomst",
        AuditAction::ForgeryRefused => "Ändring utan giltig token nekad",
        AuditAction::UserAdded => "Konto skapat",
        AuditAction::RoundOpened => "Omgång öppnad",
        AuditAction::RoundClosed => "Omgång stängd",
        AuditAction::DeadlineChanged => "Sista svarsdag ändrad",
        AuditAction::DemoLoaded => "Demodata inlästa",
        AuditAction::DataGenerated => "Syntetiska data genererade",
        AuditAction::SsoLinked => "Kopplade konto till inloggningstjänsten",
        AuditAction::SsoRefused => "Nekad inloggning via inloggningstjänsten",
        AuditAction::ReportReturned => "Återsände rapporten",
        AuditAction::ReportApproved => "Godkände rapporten",
        AuditAction::ReopenRequested => "Bad att få öppna rapporten igen",
        AuditAction::ReopenDecided => "Besvarade en begäran att öppna igen",
        AuditAction::MailQueued => "E-post lades i utkorgen",
        AuditAction::MailSent => "E-post skickades",
        AuditAction::MailFailed => "E-post kunde inte skickas",
        AuditAction::BodyAdded => "Organ tillagt",
        AuditAction::BodyChanged => "Organ ändrat",
        AuditAction::BodyDeactivated => "Organ inaktiverat",
        AuditAction::BodyReactivated => "Organ aktiverat igen",
        AuditAction::UserChanged => "Person ändrad",
        AuditAction::UserDeactivated => "Konto inaktiverat",
        AuditAction::UserReactivated => "Konto aktiverat igen",
        AuditAction::InvitationSent => "Inbjudan skickad",
        AuditAction::InvitationUsed => "Inbjudan använd, lösenord valt",
        AuditAction::FollowUpCreated => "Uppföljning skapad",
        AuditAction::FollowUpChanged => "Uppföljning ändrad",
        AuditAction::FocusAreaAdded => "Fokusområde tillagt",
        AuditAction::FocusAreaChanged => "Fokusområde ändrat",
        AuditAction::QuestionAdded => "Fråga tillagd",
        AuditAction::QuestionChanged => "Fråga ändrad",
        AuditAction::QuestionRetired => "Fråga avvecklad",
        AuditAction::QuestionRestored => "Fråga återinförd",
        AuditAction::CompilationChanged => "Sammanställningens inställningar ändrade",
        AuditAction::SummarySaved => "Sammanfattning sparad",
        AuditAction::CompilationExported => "Laddade ned sammanställningen",
        AuditAction::CompilationPublished => "Publicerade sammanställningen",
        AuditAction::PublicationDownloaded => "Laddade ned en publicerad version",
        AuditAction::RoundsCompared => "Jämförde omgångar",
        AuditAction::FormExported => "Laddade ned formuläret som Word-fil",
        AuditAction::FormImported => "Hämtade svar från en fil",
        AuditAction::VersionImported => "Importerade en historisk version",
        AuditAction::ActorAdded => "Aktör tillagd",
        AuditAction::ActorChanged => "Aktör ändrad",
        AuditAction::ActorDeactivated => "Aktör inaktiverad",
        AuditAction::ActorReactivated => "Aktör aktiverad igen",
        AuditAction::SignInLinkRequested => "Bad om en inloggningslänk",
        AuditAction::SignInLinkUsed => "Loggade in med en inloggningslänk",
        AuditAction::SignInLinkRefused => "Inloggningslänk nekad",
    }
}

/// A subject that names no report, round or person.
pub fn audit_subject(subject: AuditSubject) -> &'static str {
    match subject {
        AuditSubject::Rounds => "Omgångarna",
        AuditSubject::SignIn => "Inloggningen",
        AuditSubject::ForeignOrigin => "En annan webbplats",
        AuditSubject::Demo => "Demodata",
        AuditSubject::AuditLog => "Händelseloggen",
        AuditSubject::Outbox => "Utkorgen",
        AuditSubject::Bodies => "Organen",
        AuditSubject::People => "Personerna",
        AuditSubject::FollowUps => "Uppföljningarna",
        AuditSubject::Published => "Publicerade rapporter",
        AuditSubject::Actors | AuditSubject::Actor(_) => "Aktörsregistret",
        AuditSubject::Body(_)
        | AuditSubject::FollowUp(_)
        | AuditSubject::Report(_)
        | AuditSubject::Round(_)
        | AuditSubject::User(_)
        | AuditSubject::Mail(_) => "",
    }
}

// ---- Review: return for completion, approve, requests to reopen (issue 7 §4) ----

/// Heads the error summary when a review form is refused for its text.
pub const REVIEW_NOT_DONE: &str = "Granskningen sparades inte";

/// What a review or a request to reopen is missing.
pub fn review_problem(problem: tertial_domain::review::ReviewProblem) -> &'static str {
    use tertial_domain::review::ReviewProblem;
    match problem {
        ReviewProblem::CommentMissing => {
            "Skriv en kommentar till rapporten som säger vad organet ska komplettera."
        }
        ReviewProblem::ReasonMissing => "Skriv varför rapporten behöver öppnas igen.",
    }
}

/// Why a review or a request to reopen was not stored.
pub fn review_refused(refusal: tertial_app::ReviewRefusal) -> String {
    use tertial_app::ReviewRefusal;
    match refusal {
        ReviewRefusal::NotSubmitted(ReportStatus::Approved) => {
            "Rapporten är redan godkänd. Inget ändrades.".into()
        }
        ReviewRefusal::NotSubmitted(ReportStatus::Returned) => {
            "Rapporten är redan återsänd till organet. Inget ändrades.".into()
        }
        ReviewRefusal::NotSubmitted(_) => {
            "Rapporten är inte inskickad just nu. Inget ändrades.".into()
        }
        ReviewRefusal::NotLatest { latest } => format!(
            "Organet har skickat in en nyare version, version {latest}. Läs den och försök igen."
        ),
        ReviewRefusal::NoOpenRequest => "Begäran är redan besvarad. Inget ändrades.".into(),
        ReviewRefusal::AlreadyAsked => {
            "Ni har redan en begäran om att öppna rapporten som väntar på svar.".into()
        }
    }
}

/// What a review decided, as the history lists it.
pub fn review_decision(decision: tertial_domain::review::ReviewDecision) -> &'static str {
    match decision {
        tertial_domain::review::ReviewDecision::Return => "Återsänd för komplettering",
        tertial_domain::review::ReviewDecision::Approve => "Godkänd",
    }
}

/// What became of a request to reopen.
pub fn reopen_outcome(outcome: tertial_domain::review::ReopenOutcome) -> &'static str {
    match outcome {
        tertial_domain::review::ReopenOutcome::Granted => "Beviljad: rapporten öppnades igen",
        tertial_domain::review::ReopenOutcome::Declined => "Avslagen",
    }
}

/// A returned report's notice, or an approved one's.
pub const REVIEW_RETURNED_DONE: &str = "Rapporten är återsänd till organet för komplettering.";
pub const REVIEW_APPROVED_DONE: &str = "Rapporten är godkänd.";
pub const REOPEN_ASKED_DONE: &str = "Din begäran är skickad till samordnaren.";
pub const REOPEN_GRANTED_DONE: &str = "Rapporten är öppnad igen för organet.";
pub const REOPEN_DECLINED_DONE: &str = "Begäran är avslagen.";
pub const REOPEN_NOT_NOW: &str = "Rapporten kan inte öppnas igen just nu: den är inte inskickad, \
     omgången är stängd eller en begäran väntar redan på svar.";
/// Above the coordinator's comment beside an answer on the body's form.
pub const REVIEW_COMMENT_LABEL: &str = "Samordnarens kommentar";

/// Above the comment given on an answer of an earlier version.
pub fn comment_on_version(number: i64) -> String {
    format!("Kommentar till version {number}")
}

// --- Mail: the outbox page (Utskick) ---

pub const MENU_OUTBOX: &str = "Utskick";

/// What kind of mail it is, as the outbox lists it.
pub fn mail_kind(kind: tertial_domain::MailKind) -> &'static str {
    use tertial_domain::MailKind;
    match kind {
        MailKind::Receipt => "Kvitto",
        MailKind::Invitation => "Inbjudan",
        MailKind::Reminder => "Påminnelse",
        MailKind::Overdue => "Försenad",
        MailKind::Returned => "Återsänd",
        MailKind::Approved => "Godkänd",
        MailKind::ReopenDecided => "Svar på begäran",
        MailKind::AccountInvitation => "Inbjudan till konto",
        MailKind::SignInLink => "Inloggningslänk",
    }
}

pub fn mail_status(status: tertial_domain::MailStatus) -> &'static str {
    use tertial_domain::MailStatus;
    match status {
        MailStatus::Waiting => "Väntar",
        MailStatus::Sent => "Skickat",
        MailStatus::Failed => "Misslyckat",
    }
}

/// Beside the status: when it was sent, or the last error and what happens next.
pub fn mail_detail(
    status: tertial_domain::MailStatus,
    sent: Option<String>,
    attempts: i64,
    last_error: Option<&str>,
    next_attempt: String,
) -> String {
    use tertial_domain::MailStatus;
    match (status, last_error) {
        (MailStatus::Sent, _) => sent.unwrap_or_default(),
        (MailStatus::Failed, error) => format!(
            "Gav upp efter {attempts} försök. Senaste fel: {}",
            error.unwrap_or("okänt")
        ),
        (MailStatus::Waiting, Some(error)) => format!(
            "{attempts} försök misslyckades, nytt försök {next_attempt}. Senaste fel: {error}"
        ),
        (MailStatus::Waiting, None) => String::new(),
    }
}

// Rounds run from the browser: a new round, its preview, deadlines, the round's dashboard.

/// A period as the new round's form offers it.
pub fn period_name(period: tertial_domain::Period) -> &'static str {
    match period {
        tertial_domain::Period::T1 => "Tertialrapport 1 (januari–april)",
        tertial_domain::Period::T2 => "Tertialrapport 2 (till och med augusti)",
        tertial_domain::Period::Vb => "Verksamhetsberättelse",
    }
}

/// "Tertialrapport 2 2027", for a round not created yet.
pub fn new_round_name(period: tertial_domain::Period, year: i32) -> String {
    round_name(&Round {
        id: tertial_domain::RoundId(0),
        follow_up_id: tertial_domain::FollowUpId(0),
        period,
        year,
        deadline: jiff::civil::date(2000, 1, 1),
        status: RoundStatus::Planned,
    })
}

/// "8 frågor", "1 fråga", "Får inga frågor".
pub fn question_count(n: usize) -> String {
    match n {
        0 => "Får inga frågor".into(),
        1 => "1 fråga".into(),
        n => format!("{n} frågor"),
    }
}

pub const FOLLOW_UP_MISSING: &str = "Välj vilken uppföljning omgången gäller.";
pub const ROUND_PERIOD_MISSING: &str = "Välj vilken period omgången gäller.";
pub const ROUND_YEAR_INVALID: &str = "Ange året med fyra siffror, till exempel 2027.";
pub const DEADLINE_INVALID: &str = "Ange sista svarsdag som ett datum, till exempel 2027-05-15.";
pub const DEADLINE_PASSED: &str =
    "Sista svarsdag har redan passerat. Välj dagens datum eller senare.";
pub const ROUND_OPENED: &str = "Omgången är öppnad. Rapportörerna kan nu svara.";
pub const DEADLINE_CHANGED: &str = "Sista svarsdag är ändrad.";
pub const ROUND_CLOSED: &str = "Omgången är stängd. Inga fler svar kan sparas eller skickas in.";

/// A deadline that would not extend the current one.
pub fn deadline_not_later(current: &str) -> String {
    format!("Den nya sista svarsdagen måste vara senare än den nuvarande, {current}.")
}

/// Why a new round cannot be opened as asked.
pub fn round_problem(problem: &tertial_app::RoundProblem) -> String {
    use tertial_app::RoundProblem;
    match problem {
        RoundProblem::DeadlinePassed => DEADLINE_PASSED.into(),
        RoundProblem::Exists => {
            "Det finns redan en omgång för den perioden och det året i uppföljningen.".into()
        }
        RoundProblem::NoBodies => "Välj minst ett organ som ska svara.".into(),
        RoundProblem::NoQuestions(body) => format!(
            "{} får inga frågor i uppföljningen. Ta bort organet ur omgången.",
            body.name
        ),
        RoundProblem::UnknownBody(_) => {
            "Ett av de valda organen finns inte längre. Ladda om sidan och välj igen.".into()
        }
    }
}

/// A report's status on the round's dashboard, whatever the round's own status.
pub fn status_name(status: ReportStatus) -> &'static str {
    match status {
        ReportStatus::NotStarted => "Ej påbörjad",
        ReportStatus::Draft => "Utkast",
        ReportStatus::Submitted => "Inskickad",
        ReportStatus::Returned => "Återsänd",
        ReportStatus::Approved => "Godkänd",
    }
}

/// "oförändrad sedan Tertialrapport 1 2027": an answer carried over and not edited since.
pub fn unchanged_since(round: &Round) -> String {
    format!("Oförändrad sedan {}", round_name(round))
}

// ---- Bodies and people (issue 7 §2) ----

pub const MENU_BODIES: &str = "Organ";
pub const MENU_PEOPLE: &str = "Personer";

pub fn body_kind(kind: tertial_domain::BodyKind) -> &'static str {
    use tertial_domain::BodyKind;
    match kind {
        BodyKind::DistrictCommittee => "Stadsdelsnämnd",
        BodyKind::SpecialistCommittee => "Facknämnd",
        BodyKind::CompanyBoard => "Bolagsstyrelse",
    }
}

/// What is wrong with a body or a person as typed, or with a change to an account.
pub fn people_problem(problem: &tertial_domain::people::Problem) -> &'static str {
    use tertial_domain::people::Problem;
    match problem {
        Problem::NameMissing => "Ange ett namn.",
        Problem::NameInvalid => {
            "Namnet får vara högst 200 tecken på en rad, utan osynliga tecken eller styrtecken."
        }
        Problem::ShortNameMissing => "Ange ett kortnamn.",
        Problem::ShortNameInvalid => {
            "Kortnamnet får vara högst 60 tecken på en rad, utan osynliga tecken eller styrtecken."
        }
        Problem::KindMissing => "Välj vilket slags organ det är.",
        Problem::EmailInvalid => "Ange e-postadressen i rätt format, till exempel namn@example.se.",
        Problem::RoleMissing => "Välj en roll.",
        Problem::BodiesMissing => "En rapportör måste höra till minst ett organ. Välj organ.",
        Problem::UnknownBody => {
            "Ett av de valda organen finns inte eller är inaktiverat. Välj bland de aktiva organen."
        }
        Problem::DuplicateBodyName => {
            "Det finns redan ett organ med det namnet. Välj ett annat namn."
        }
        Problem::DuplicateEmail => {
            "Det finns redan ett konto med den e-postadressen. Sök upp personen under Personer."
        }
        Problem::RoleNotYours => {
            "Bara en administratör kan ge eller ändra rollerna samordnare och administratör."
        }
        Problem::OwnRole => "Du kan inte ändra din egen roll. Be en annan administratör.",
        Problem::OwnAccount => "Du kan inte inaktivera ditt eget konto.",
        Problem::LastAdmin => {
            "Det här är den sista aktiva administratören. Gör någon annan till administratör först."
        }
    }
}

/// Why a body stays active: it has a report in an open round.
pub fn body_in_open_round(body: &str, round: &Round) -> String {
    format!(
        "{body} har en rapport i den öppna omgången {}; stäng omgången först.",
        round_name(round)
    )
}

pub const BODY_ADDED: &str = "Organet är tillagt.";
pub const BODY_DEACTIVATED: &str =
    "Organet är inaktiverat. Det väljs inte till nya omgångar; allt det har lämnat finns kvar.";
pub const BODY_REACTIVATED: &str = "Organet är aktivt igen.";
pub const PERSON_INVITED: &str =
    "Inbjudan är skickad. Personen väljer sitt lösenord med länken i e-postmeddelandet.";
pub const PERSON_DEACTIVATED: &str =
    "Kontot är inaktiverat. Personen är utloggad och kan inte logga in.";
pub const PERSON_REACTIVATED: &str = "Kontot är aktivt igen.";
pub const REINVITED: &str = "En ny inbjudan är skickad. Äldre länkar fungerar inte längre.";
pub const NOT_REINVITED: &str =
    "Ingen ny inbjudan skickades: personen har redan valt ett lösenord.";
pub const NEVER_SIGNED_IN: &str = "Aldrig";
pub const ACTIVE: &str = "Aktivt";
pub const INACTIVE: &str = "Inaktiverat";
pub const INVITATION_NOT_VALID_TITLE: &str = "Länken fungerar inte";
pub const INVITATION_NOT_VALID: &str =
    "Länken har gått ut eller redan använts. Be din samordnare om en ny inbjudan.";
pub const PASSWORD_SET: &str = "Ditt lösenord är sparat. Logga in med din e-postadress.";

pub fn invitation_problem(problem: tertial_app::InvitationProblem) -> String {
    use tertial_app::InvitationProblem;
    match problem {
        InvitationProblem::NotValid => INVITATION_NOT_VALID.to_owned(),
        InvitationProblem::PasswordTooShort => format!(
            "Lösenordet måste ha minst {} tecken.",
            tertial_app::users::MIN_PASSWORD_CHARS
        ),
        InvitationProblem::PasswordsDiffer => {
            "Lösenorden är inte lika. Skriv samma lösenord i båda fälten.".to_owned()
        }
    }
}

// Writing follow-ups.

pub const MENU_FOLLOW_UPS: &str = "Uppföljningar";
pub const EDITS_APPLY_NEXT_ROUND: &str = "Ändringar gäller från nästa omgång som öppnas. \
    Omgångar som redan är öppnade behåller sina frågor och svar som de var.";
pub const FOLLOW_UP_CREATED: &str = "Uppföljningen är skapad. Lägg till fokusområden och frågor.";
pub const FOLLOW_UP_SAVED: &str = "Uppföljningen är sparad.";
pub const FOCUS_AREA_SAVED: &str = "Fokusområdet är sparat.";
pub const QUESTION_SAVED: &str = "Frågan är sparad.";
pub const QUESTION_RETIRED: &str =
    "Frågan är avvecklad. Den ställs inte i nya omgångar men finns kvar i tidigare.";
pub const QUESTION_RESTORED: &str = "Frågan är återinförd och ställs i nästa omgång.";
pub const AREA_NUMBER_INVALID: &str = "Ange fokusområdets nummer som ett heltal från 1 till 99.";
pub const QUESTION_POSITION_INVALID: &str = "Ange ordningen som ett heltal från 1 till 999.";
pub const QUESTION_AREA_MISSING: &str = "Välj vilket fokusområde frågan hör till.";
pub const QUESTION_NO_BODIES: &str = "Välj vilka organ som ska svara på frågan.";

/// A body kind in the plural, as the question's checkboxes name it.
pub fn body_kinds(kind: tertial_domain::BodyKind) -> &'static str {
    use tertial_domain::BodyKind;
    match kind {
        BodyKind::DistrictCommittee => "Stadsdelsnämnder",
        BodyKind::SpecialistCommittee => "Facknämnder",
        BodyKind::CompanyBoard => "Bolagsstyrelser",
    }
}

/// What is wrong with a text typed into the editor; `missing` says what to type.
pub fn editor_text(problem: &tertial_domain::followup::TextProblem, missing: &str) -> String {
    match problem {
        tertial_domain::followup::TextProblem::Missing => missing.to_owned(),
        tertial_domain::followup::TextProblem::Invalid(e) => invalid_text(e),
    }
}

/// Why the editor refused a change.
pub fn edit_problem(problem: &tertial_app::EditProblem) -> &'static str {
    use tertial_app::EditProblem;
    match problem {
        EditProblem::TitleTaken => {
            "Det finns redan en uppföljning med den titeln. Välj en annan titel."
        }
        EditProblem::NumberTaken => {
            "Det finns redan ett fokusområde med det numret. Välj ett annat nummer."
        }
        EditProblem::NameTaken => "Det finns redan ett fokusområde med det namnet.",
        EditProblem::UnknownFocusArea => QUESTION_AREA_MISSING,
        EditProblem::UnknownBody(_) => {
            "Ett av de valda organen finns inte eller är inte aktivt. Välj bland organen i listan."
        }
        EditProblem::NoBodies => QUESTION_NO_BODIES,
        EditProblem::Stale => {
            "Någon annan har ändrat frågan sedan du öppnade den. Dina ändringar är inte sparade. \
             Jämför med frågan som den är nu; spara igen för att ersätta den med din version."
        }
    }
}

// The compiled report, its exports and publishing.
pub const COMPILATION_SAVED: &str = "Ändringen är sparad.";
pub const COMPILATION_PUBLISHED: &str =
    "Sammanställningen är publicerad. Läsarna ser den under Publicerade rapporter.";
pub const COMPILATION_TITLE_MISSING: &str = "Skriv en rubrik för sammanställningen.";

/// A newer version of a summary was saved since the form was opened.
pub fn summary_stale(latest: i64) -> String {
    format!(
        "Någon annan sparade version {latest} av sammanfattningen medan du skrev. Din text är \
         inte sparad: jämför med den nya versionen nedan, ändra och spara igen."
    )
}

/// A file format as the download links name it.
pub fn format_name(format: tertial_documents::Format) -> &'static str {
    use tertial_documents::Format;
    match format {
        Format::Docx => "Word",
        Format::Pdf => "PDF",
        Format::Xlsx => "Excel",
        Format::Markdown => "Markdown (textfil)",
        Format::Json => "JSON",
    }
}

// Comparing rounds.

/// A body with a report in the round that never submitted it.
pub const NOT_RECEIVED: &str = "Ej inkommit";
/// A body without a report in the round.
pub const COMPARE_NOT_IN_ROUND: &str = "Ingår inte i omgången";
/// A submitted version that holds no answer to the question (it was not asked then).
pub const COMPARE_NO_ANSWER: &str = "Inget svar";

/// The mark of an answer compared between two rounds.
pub fn answer_change(change: tertial_domain::compare::AnswerChange) -> &'static str {
    use tertial_domain::compare::AnswerChange;
    match change {
        AnswerChange::Unchanged => "Oförändrad",
        AnswerChange::Changed => "Ändrad",
        AnswerChange::New => "Ny",
        AnswerChange::Gone => "Utgått",
        AnswerChange::Neither => "Inget svar",
    }
}

/// A body's version in a compared round.
pub fn compared_version(number: i64, at: &str) -> String {
    format!("Version {number}, inskickad {at}")
}

/// Single sign-on through the organisation's identity provider.
pub const PASSWORD_SIGN_IN_OFF: &str = "Inloggning med lösenord är avstängd. Logga in med \
     organisationens inloggning i stället.";

/// Why a sign-in through the identity provider was refused, and what to do.
pub fn sso_refused(refusal: tertial_domain::sso::SsoRefusal) -> &'static str {
    use tertial_domain::sso::SsoRefusal as R;
    match refusal {
        R::ProviderError => {
            "Inloggningen avbröts eller nekades hos inloggningstjänsten. Försök \
             igen, eller kontakta din samordnare om det inte går."
        }
        R::ProviderUnavailable => {
            "Inloggningstjänsten svarar inte just nu. Försök igen om en \
             stund."
        }
        R::StateMissing | R::StateForeign => {
            "Inloggningen påbörjades inte i den här \
             webbläsaren, eller så tillåter webbläsaren inte kakor. Börja om genom att välja \
             knappen för att logga in."
        }
        R::StateReplayed => {
            "Inloggningen har redan använts en gång och kan inte användas \
             igen. Börja om genom att välja knappen för att logga in."
        }
        R::StateExpired => {
            "Inloggningen tog för lång tid eller är okänd. Börja om genom att \
             välja knappen för att logga in."
        }
        R::WrongAudience | R::WrongIssuer => {
            "Inloggningsbeviset var utfärdat för en annan \
             tjänst och godtogs inte. Börja om, och kontakta din samordnare om det upprepas."
        }
        R::TokenExpired => {
            "Inloggningsbeviset hade gått ut. Kontrollera att datorns klocka \
             går rätt och börja om."
        }
        R::BadSignature | R::UnknownKey | R::MalformedToken => {
            "Inloggningsbeviset kunde inte \
             kontrolleras och godtogs inte. Börja om, och kontakta din samordnare om det \
             upprepas."
        }
        R::NonceReplayed | R::NonceMismatch => {
            "Inloggningsbeviset hörde till en annan \
             inloggning och godtogs inte. Börja om genom att välja knappen för att logga in."
        }
        R::EmailMissing => {
            "Inloggningstjänsten lämnade ingen e-postadress, så vi vet inte \
             vem du är i Tertial. Kontakta din samordnare."
        }
        R::EmailNotVerified => {
            "Din e-postadress är inte bekräftad hos inloggningstjänsten, \
             så den kan inte kopplas till ett konto i Tertial. Kontakta din samordnare."
        }
        R::NoMappedGroup => {
            "Du är inte med i någon grupp som har tillgång till Tertial. \
             Kontakta din samordnare för att få tillgång."
        }
        R::UnknownBody => {
            "Din grupp hos inloggningstjänsten hör till ett organ som inte finns \
             i Tertial. Kontakta din samordnare."
        }
        R::AccountDeactivated => {
            "Ditt konto i Tertial är inaktiverat. Kontakta din \
             samordnare."
        }
    }
}

// Sign-in links by e-mail.
pub const LINK_SENT_TITLE: &str = "Titta i din e-post";
/// The one answer to every request for a link, whether or not the address has an account.
pub const LINK_SENT: &str = "Om adressen finns hos oss har vi skickat en länk till den. \
    Länken fungerar en gång, i 15 minuter, och bara i den här webbläsaren.";
pub const LINK_SENT_NONE: &str = "Kommer det inget mejl inom några minuter: kontrollera \
    adressen och skräpposten, eller be om en ny länk.";
pub const LINK_ASK_FAILED: &str = "Det gick inte att skicka en länk";
pub const LINK_FORM_EXPIRED: &str =
    "Sidan hade gått ut. Skriv din e-postadress igen och be om en länk.";
pub const LINK_CONFIRM_TITLE: &str = "Logga in med länken";
pub const LINK_REFUSED_TITLE: &str = "Länken fungerar inte";

/// Why a sign-in link does not sign in, and what to do.
pub fn link_refusal(refusal: tertial_domain::sign_in_link::LinkRefusal) -> &'static str {
    use tertial_domain::sign_in_link::LinkRefusal;
    match refusal {
        LinkRefusal::Unknown => {
            "Länken finns inte. Kontrollera att du fick med hela länken från mejlet, eller be om en ny."
        }
        LinkRefusal::Used => {
            "Länken är redan använd. En inloggningslänk fungerar bara en gång: be om en ny."
        }
        LinkRefusal::Expired => {
            "Länken har slutat gälla: en inloggningslänk fungerar i 15 minuter. Be om en ny."
        }
        LinkRefusal::OtherBrowser => {
            "Länken öppnades i en annan webbläsare än den där du bad om den. Öppna den i den \
             webbläsaren, eller be om en ny länk här."
        }
    }
}

// Forms as Word files: export, import into a draft, historic import.

pub const IMPORT_DRAFT_HEADING: &str = "Hämta svar från Word-fil";
pub const IMPORT_HISTORIC_HEADING: &str = "Läs in historiskt formulär";
/// What an imported value does to a field, in the preview.
pub const IMPORT_UNCHANGED: &str = "Oförändrat";
pub const IMPORT_NEW: &str = "Nytt";
pub const IMPORT_REPLACED: &str = "Ersätter";

/// Why a form file was not taken in (nothing was changed).
pub fn import_problem(problem: &ImportProblem) -> String {
    match problem {
        ImportProblem::File(error) => error.message(),
        ImportProblem::NoFile => "Välj en fil att hämta svaren från.".into(),
        ImportProblem::OtherFollowUp => {
            "Filen är formuläret för en annan uppföljning. Välj formuläret för den här \
             rapporten."
                .into()
        }
        ImportProblem::OtherRound(round) => format!(
            "Filen är formuläret för {round}, inte för den här omgången. Välj formuläret för \
             den här rapporten."
        ),
        ImportProblem::OtherBody(body) => format!(
            "Filen är formuläret för {body}, inte för den här rapportens organ. Välj rätt \
             organs fil."
        ),
        ImportProblem::InvalidText {
            field,
            question,
            error,
        } => format!(
            "Svaret på ”{}” i filen kan inte tas in: {}",
            question.as_deref().unwrap_or(field_label(field)),
            invalid_text(error)
        ),
        ImportProblem::RoundNotClosed => {
            "Historiska formulär kan bara läsas in i en omgång som är stängd.".into()
        }
        ImportProblem::PreviewGone => {
            "Förhandsgranskningen finns inte längre: den är redan använd, ersatt av en nyare \
             fil eller för gammal. Välj filen igen."
                .into()
        }
    }
}

// ---- Insights: actors, pending decisions, timeline, readability (issue 11 §2–§6) ----

pub const ACTOR_ADDED: &str = "Aktören är tillagd.";
pub const ACTOR_DEACTIVATED: &str = "Aktören är inaktiverad och söks inte längre i svaren.";
pub const ACTOR_REACTIVATED: &str = "Aktören är aktiverad igen.";

/// What is wrong with an actor as typed.
pub fn actor_problem(problem: &tertial_domain::insights::actors::Problem) -> String {
    use tertial_domain::insights::actors::Problem;
    match problem {
        Problem::NameMissing => "Ange aktörens namn.".into(),
        Problem::NameInvalid => {
            "Namnet får vara högst 200 tecken på en rad, utan osynliga tecken eller styrtecken."
                .into()
        }
        Problem::AliasInvalid => "Varje alias får vara högst 200 tecken, utan osynliga tecken eller styrtecken. Skriv ett alias per rad.".into(),
        Problem::TooManyAliases => "En aktör kan ha högst 20 alias. Ta bort några.".into(),
        Problem::FindsNothing(term) => format!(
            "”{term}” innehåller inget ord att söka efter. Skriv ett namn eller en förkortning."
        ),
        Problem::Taken(term) => format!(
            "”{term}” är redan namn eller alias för en annan aktör. Välj ett annat eller ändra den andra aktören."
        ),
    }
}

/// A round's insight page's title: "Aktörer i Tertialrapport 1 2022".
pub fn insight_title(what: &str, round: &Round) -> String {
    format!("{what} i {}", round_name(round))
}

/// A link's text to where a passage was found: "Fråga 1.2, version 1".
pub fn passage_source(number: &str, version: i64) -> String {
    format!("Fråga {number}, version {version}")
}
// The GDPR information's default wording, for an organisation that has not given its own.
pub const PRIVACY_LEGAL_BASIS: &str = "Vi behandlar personuppgifterna för att utföra en \
    uppgift av allmänt intresse och som ett led i vår myndighetsutövning (artikel 6.1 e i \
    dataskyddsförordningen): att följa upp hur nämnder och bolag arbetar med de policyer som \
    fullmäktige har beslutat. Inskickade rapporter är allmänna handlingar och bevaras enligt \
    arkivlagen (1990:782).";
pub const PRIVACY_RETENTION: &str = "Ett konto finns kvar så länge du behöver tillgång till \
    Tertial och inaktiveras när du inte längre behöver det. Inloggningar tas bort när de har \
    gått ut, och inloggningslänkar slutar gälla efter 15 minuter. Inskickade rapporter, \
    kontaktpersoner och händelseloggen bevaras eller gallras enligt organisationens \
    dokumenthanteringsplan.";
/// The top menu's link to the search page (every role).
pub const MENU_SEARCH: &str = "Sök";

/// Why a search could not be run, shown above the search box.
pub fn search_problem(problem: tertial_domain::analysis::QueryProblem) -> String {
    use tertial_domain::analysis::{MAX_QUERY_CHARS, MAX_QUERY_TERMS, QueryProblem};
    match problem {
        QueryProblem::Empty => "Skriv ett eller flera ord att söka efter.".to_owned(),
        QueryProblem::TooLong => {
            format!("Sökningen får vara högst {MAX_QUERY_CHARS} tecken. Korta den.")
        }
        QueryProblem::TooManyTerms => format!(
            "Sökningen får innehålla högst {MAX_QUERY_TERMS} ord och fraser. Ta bort några."
        ),
        QueryProblem::OnlyStopWords => "Sökningen innehåller bara vanliga småord (som \"och\" \
            och \"att\"), som inte går att söka på. Lägg till ett ord som säger mer."
            .to_owned(),
        QueryProblem::Character => "Sökningen innehåller ett osynligt tecken eller ett \
            styrtecken. Skriv in den igen."
            .to_owned(),
    }
}

/// Shown when a search took too long.
pub const SEARCH_TIMED_OUT: &str =
    "Sökningen tog för lång tid. Gör den smalare: fler ord, eller välj omgång eller organ.";

/// What a hit is: the reporter's draft, a published version, a submitted version.
pub const SEARCH_DRAFT: &str = "Utkast";
pub const SEARCH_PUBLISHED: &str = "Publicerad version";
pub const SEARCH_VERSION: &str = "Version";

/// The heading of "Övriga upplysningar" hits.
pub const OTHER_INFORMATION: &str = "Övriga upplysningar";

#[cfg(test)]
mod tests {
    #[test]
    fn waits_are_said_in_words() {
        let secs = jiff::SignedDuration::from_secs;
        assert_eq!(
            super::duration(jiff::SignedDuration::from_millis(300)),
            "1 sekund"
        );
        assert_eq!(super::duration(secs(40)), "40 sekunder");
        assert_eq!(super::duration(secs(61)), "1 minut");
        assert_eq!(super::duration(secs(15 * 60)), "15 minuter");
    }

    #[test]
    fn numbers_are_grouped_in_thousands() {
        assert_eq!(super::thousands(20000), "20\u{a0}000");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1234567), "1\u{a0}234\u{a0}567");
    }
    /// The script's words live here, not in the script: it has none of its own, and every
    /// text it asks for is here.
    #[test]
    fn the_form_script_speaks_no_swedish_of_its_own() {
        let script = include_str!("../assets/tertial.js");
        let swedish: Vec<char> = script.chars().filter(|c| "åäöÅÄÖ".contains(*c)).collect();
        assert!(
            swedish.is_empty(),
            "Swedish letters in tertial.js: {swedish:?}"
        );
        let words = [
            "Sparat",
            "Sparar",
            "sparat",
            "sparas",
            "Inte",
            "inte",
            "utloggad",
            "inloggad",
            "Logga",
            "tecken",
            "Utkast",
            "Ej",
            "aktuellt",
            "kvar",
            "sekunder",
            "Texten",
            "texten",
            "servern",
            "igen",
            "Din",
            "din",
            "sparade",
            "du",
            "Du",
            "och",
            "av",
            "som",
            "fel",
            "Jämför",
            "Behåll",
            "Fortsätt",
            "frågor",
            "besvarade",
        ];
        for word in script
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            assert!(
                !words.contains(&word),
                "a Swedish word in tertial.js: {word}"
            );
        }
        // Every text the page hands the script (SCRIPT, the draft's status, the hint's).
        let known: serde_json::Value = serde_json::from_str(&super::script_json()).expect("JSON");
        for asked in script.split("say('").skip(1) {
            let key = asked.split('\'').next().unwrap_or_default();
            assert!(
                known.get(key).is_some(),
                "tertial.js asks for a text text.rs lacks: {key}"
            );
        }
        assert!(
            script.contains("say('saved'"),
            "the test reads the script's calls"
        );
    }

    #[test]
    fn the_script_texts_cannot_end_their_element() {
        let json = super::script_json();
        assert!(!json.contains('<') && !json.contains('>'), "{json}");
        let parsed: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(parsed["saved"], "Sparat kl. {time}");
        assert_eq!(parsed["draft"], "Utkast");
        assert_eq!(parsed["lixLevels"][3], "svår");
    }
}
