//! The UI's Swedish, in one place, so that another language can follow.

use tertial_app::AppError;
use tertial_domain::{Invalid, Problem, ReportStatus, Role, Round, RoundStatus};

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
    "När någon annan har ändrat samma svar medan du skriver öppnas en dialogruta som flyttar \
     fokus från fältet du skriver i (WCAG 3.2.2).",
    "Tjänsten varnar inte innan du loggas ut efter en tid utan aktivitet, eller när \
     inloggningen når sin längsta tid (WCAG 2.2.1).",
];

/// When the accessibility statement that comes with this version of Tertial was written.
pub const STATEMENT_WRITTEN: jiff::civil::Date = jiff::civil::date(2026, 11, 29);

/// A date as Swedish writes it: "29 november 2026".
pub fn long_date(date: jiff::civil::Date) -> String {
    tertial_documents::swedish::date(date)
}

pub const MENU_MY_REPORTS: &str = "Mina rapporter";
pub const MENU_ROUNDS: &str = "Omgångar";

pub const EMAIL_MISSING: &str = "Ange din e-postadress.";
pub const PASSWORD_MISSING: &str = "Ange ditt lösenord.";
pub const SIGN_IN_FAILED: &str = "Fel e-postadress eller lösenord.";
pub const CSRF_FAILED: &str = "Formuläret har gått ut eller kommer från en annan webbplats. \
     Ladda om sidan och försök igen.";
pub const CSRF_KEPT: &str = "Formuläret hade gått ut, så ingenting sparades. Jämför din text \
     med den som är sparad nu och välj för varje fråga om din text ska sparas.";
pub const RESUMED: &str = "Du är inloggad igen. Det du skrev innan du blev utloggad är inte \
     sparat. Jämför med det som är sparat nu och välj för varje fråga om din text ska sparas.";
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
}
