//! The mails Tertial sends, in Swedish plain text ("du"), each with a direct link to the
//! report's form. Each is a [`NewMail`] with its dedup key, ready for the outbox.

use tertial_domain::mail::dedup;
use tertial_domain::{BodyId, MailKind, NewMail, ReportId, Round, Timestamp, UserId};

use crate::swedish::{date, date_time, round_name};

/// What a mail about one body's report in one round names.
#[derive(Debug, Clone)]
pub struct ReportMail<'a> {
    pub round: &'a Round,
    /// The follow-up's title.
    pub follow_up: &'a str,
    pub body: BodyId,
    pub body_name: &'a str,
    pub report: ReportId,
    /// The form's address, e.g. `https://tertial.kommun.se/rapporter/12`.
    pub link: &'a str,
}

/// Who a mail goes to.
#[derive(Debug, Clone, Copy)]
pub struct To<'a> {
    pub user: UserId,
    pub email: &'a str,
}

const SIGNATURE: &str =
    "\n\nDet här meddelandet skickades automatiskt av Tertial. Svara inte på det.\n";

fn heading(about: &ReportMail<'_>) -> String {
    format!(
        "{} – {} ({})",
        round_name(about.round),
        about.body_name,
        about.follow_up
    )
}

fn mail(to: &str, subject: String, body: String, kind: MailKind, dedup_key: String) -> NewMail {
    NewMail {
        recipient: to.to_owned(),
        // A subject is one line, whatever a name held.
        subject: subject.chars().filter(|c| !c.is_control()).collect(),
        body: body + SIGNATURE,
        kind,
        dedup_key,
    }
}

/// The receipt to whoever submitted version `number` at `at`.
pub fn receipt(
    about: &ReportMail<'_>,
    to: &str,
    number: i64,
    at: Timestamp,
    late: bool,
) -> NewMail {
    let late = if late {
        "\nRapporten lämnades in efter sista svarsdagen."
    } else {
        ""
    };
    mail(
        to,
        format!("Kvitto: {} är inskickad", heading(about)),
        format!(
            "Hej!\n\nDin rapport är inskickad och mottagen.\n\n{}\nVersion {number}, inskickad {}.{late}\n\nDu kan läsa det du skickade in här:\n{}",
            heading(about),
            date_time(at),
            about.link
        ),
        MailKind::Receipt,
        dedup::receipt(about.report, number),
    )
}

/// A round opened: the body's reporter is asked to answer by the deadline.
pub fn invitation(about: &ReportMail<'_>, to: To<'_>) -> NewMail {
    mail(
        to.email,
        format!("Dags att svara: {}", heading(about)),
        format!(
            "Hej!\n\n{} är öppen för svar.\n\nSista svarsdag är {}.\n\nSvara i formuläret här:\n{}",
            heading(about),
            date(about.round.deadline),
            about.link
        ),
        MailKind::Invitation,
        dedup::invitation(about.round.id, about.body, to.user),
    )
}

/// The deadline is `days` days away and the body has not handed in.
pub fn reminder(about: &ReportMail<'_>, to: To<'_>, days: i64) -> NewMail {
    let when = match days {
        0 => "i dag".to_owned(),
        1 => "i morgon".to_owned(),
        n => format!("om {n} dagar"),
    };
    mail(
        to.email,
        format!("Påminnelse: {}", heading(about)),
        format!(
            "Hej!\n\nSista svarsdag för {} är {when}, {}. Rapporten är inte inskickad än.\n\nSvara i formuläret här:\n{}",
            heading(about),
            date(about.round.deadline),
            about.link
        ),
        MailKind::Reminder,
        dedup::reminder(about.round.id, about.body, days, to.user),
    )
}

/// The deadline has passed and the body has not handed in.
pub fn overdue(about: &ReportMail<'_>, to: To<'_>) -> NewMail {
    mail(
        to.email,
        format!("Sista svarsdagen har passerat: {}", heading(about)),
        format!(
            "Hej!\n\nSista svarsdag för {} var {}, och rapporten är inte inskickad. Du kan fortfarande skicka in den; den markeras då som sen.\n\nSvara i formuläret här:\n{}",
            heading(about),
            date(about.round.deadline),
            about.link
        ),
        MailKind::Overdue,
        dedup::overdue(about.round.id, about.body, to.user),
    )
}

/// The coordinator returned version `number` for changes, saying `comment`.
pub fn returned(about: &ReportMail<'_>, to: To<'_>, number: i64, comment: &str) -> NewMail {
    let comment = if comment.trim().is_empty() {
        String::new()
    } else {
        format!("\n\nSamordnarens kommentar:\n{}", comment.trim())
    };
    mail(
        to.email,
        format!("Rapporten behöver kompletteras: {}", heading(about)),
        format!(
            "Hej!\n\nSamordnaren har skickat tillbaka version {number} av {} för komplettering.{comment}\n\nÄndra och skicka in igen här:\n{}",
            heading(about),
            about.link
        ),
        MailKind::Returned,
        dedup::returned(about.report, number, to.user),
    )
}

/// The coordinator approved version `number`.
pub fn approved(about: &ReportMail<'_>, to: To<'_>, number: i64) -> NewMail {
    mail(
        to.email,
        format!("Rapporten är godkänd: {}", heading(about)),
        format!(
            "Hej!\n\nSamordnaren har godkänt version {number} av {}. Du behöver inte göra något mer.\n\nRapporten finns här:\n{}",
            heading(about),
            about.link
        ),
        MailKind::Approved,
        dedup::approved(about.report, number, to.user),
    )
}

/// The coordinator granted or declined request `request` to reopen the report, with an
/// optional answer.
pub fn reopen_decided(
    about: &ReportMail<'_>,
    to: To<'_>,
    request: i64,
    granted: bool,
    answer: &str,
) -> NewMail {
    let answer = if answer.trim().is_empty() {
        String::new()
    } else {
        format!("\n\nSamordnarens svar:\n{}", answer.trim())
    };
    let (subject, said) = if granted {
        (
            "Rapporten är öppen igen",
            "har öppnat {} igen, som ni bad om. Ändra och skicka in en ny version här:",
        )
    } else {
        (
            "Begäran om att öppna rapporten avslogs",
            "har avslagit er begäran om att öppna {} igen. Den inskickade versionen gäller. Rapporten finns här:",
        )
    };
    mail(
        to.email,
        format!("{subject}: {}", heading(about)),
        format!(
            "Hej!\n\nSamordnaren {}{answer}\n\n{}",
            said.replace("{}", &heading(about)),
            about.link
        ),
        MailKind::ReopenDecided,
        dedup::reopen_decided(about.report, request, to.user),
    )
}

/// What an invitation to a new account names.
#[derive(Debug, Clone)]
pub struct AccountInvitation<'a> {
    /// The organisation that runs Tertial, if configured.
    pub organisation: Option<&'a str>,
    pub inviter: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    /// The one-time link that sets the password.
    pub link: &'a str,
    pub expires: Timestamp,
    /// What the outbox keeps of the token (never the token itself).
    pub token_hash: &'a str,
}

/// A new account's invitation: who invites, the one-time link, and until when it works.
pub fn account_invitation(invitation: &AccountInvitation<'_>) -> NewMail {
    let whose = invitation
        .organisation
        .map(|o| format!("{o}s Tertial"))
        .unwrap_or_else(|| "Tertial".to_owned());
    mail(
        invitation.email,
        format!("Inbjudan till {whose}"),
        format!(
            "Hej {}!\n\n{} har bjudit in dig till {whose}, där uppföljningar besvaras och följs upp.\n\nVälj ditt lösenord här (länken fungerar en gång, till och med {}):\n{}\n\nDu loggar sedan in med din e-postadress, {}.",
            invitation.name,
            invitation.inviter,
            date_time(invitation.expires),
            invitation.link,
            invitation.email,
        ),
        MailKind::AccountInvitation,
        dedup::account_invitation(invitation.token_hash),
    )
}

/// What a sign-in link's mail names.
#[derive(Debug, Clone)]
pub struct SignInLinkMail<'a> {
    /// The organisation that runs Tertial, if configured.
    pub organisation: Option<&'a str>,
    pub name: &'a str,
    pub email: &'a str,
    /// The one-time link that signs in.
    pub link: &'a str,
    pub expires: Timestamp,
    /// What the outbox keeps of the token (never the token itself).
    pub token_hash: &'a str,
}

/// A sign-in link: it works once, until `expires`, in the browser that asked for it.
pub fn sign_in_link(link: &SignInLinkMail<'_>) -> NewMail {
    let whose = link
        .organisation
        .map(|o| format!("{o}s Tertial"))
        .unwrap_or_else(|| "Tertial".to_owned());
    mail(
        link.email,
        format!("Din inloggningslänk till {whose}"),
        format!(
            "Hej {}!\n\nDu bad om en länk för att logga in i {whose}. Öppna den i samma webbläsare som du bad om den i. Länken fungerar en gång, till och med {}:\n{}\n\nBad du inte om någon länk kan du bortse från det här meddelandet; ingen kan logga in med länken utan din webbläsare.",
            link.name,
            date_time(link.expires),
            link.link,
        ),
        MailKind::SignInLink,
        dedup::sign_in_link(link.token_hash),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tertial_domain::{FollowUpId, Period, RoundId, RoundStatus};

    fn round() -> Round {
        Round {
            id: RoundId(4),
            follow_up_id: FollowUpId(1),
            period: Period::T2,
            year: 2022,
            deadline: jiff::civil::date(2022, 9, 15),
            status: RoundStatus::Open,
        }
    }

    fn about(round: &Round) -> ReportMail<'_> {
        ReportMail {
            round,
            follow_up: "Näringslivspolicy",
            body: BodyId(7),
            body_name: "Skärholmens stadsdelsnämnd",
            report: ReportId(12),
            link: "https://tertial.example.se/rapporter/12",
        }
    }

    const TO: To<'static> = To {
        user: UserId(3),
        email: "skarholmen@example.se",
    };

    #[test]
    fn a_receipt_names_the_report_its_version_and_links_to_it() {
        let round = round();
        let at: Timestamp = "2022-09-14T12:02:00Z".parse().unwrap_or_default();
        let mail = receipt(&about(&round), "a@example.se", 2, at, false);
        assert_eq!(
            mail.subject,
            "Kvitto: Tertialrapport 2 2022 – Skärholmens stadsdelsnämnd (Näringslivspolicy) är inskickad"
        );
        assert!(
            mail.body
                .contains("Version 2, inskickad 14 september 2022 kl. 14.02.")
        );
        assert!(
            mail.body
                .contains("https://tertial.example.se/rapporter/12")
        );
        assert!(!mail.body.contains("efter sista svarsdagen"));
        assert_eq!(mail.dedup_key, "receipt:report:12:version:2");
        assert_eq!(mail.kind, MailKind::Receipt);
    }

    #[test]
    fn reminders_say_when_the_deadline_is_and_are_one_per_reminder_and_person() {
        let round = round();
        let week = reminder(&about(&round), TO, 7);
        let day = reminder(&about(&round), TO, 1);
        assert!(week.body.contains("är om 7 dagar, 15 september 2022"));
        assert!(day.body.contains("är i morgon, 15 september 2022"));
        assert_ne!(week.dedup_key, day.dedup_key);
        assert_eq!(day.dedup_key, "reminder-1:round:4:body:7:user:3");
        let late = overdue(&about(&round), TO);
        assert!(late.subject.starts_with("Sista svarsdagen har passerat"));
        assert_eq!(late.dedup_key, "overdue:round:4:body:7:user:3");
    }

    #[test]
    fn invitation_return_and_approval_link_to_the_form() {
        let round = round();
        let about = about(&round);
        for mail in [
            invitation(&about, TO),
            returned(&about, TO, 1, "Fyll i 2.1."),
            approved(&about, TO, 1),
        ] {
            assert!(mail.body.contains(about.link), "{}", mail.body);
            assert_eq!(mail.recipient, "skarholmen@example.se");
            assert!(!mail.subject.contains('\n'));
        }
        assert!(
            returned(&about, TO, 1, "Fyll i 2.1.")
                .body
                .contains("kommentar:\nFyll i 2.1.")
        );
    }
}
