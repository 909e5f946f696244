//! The Swedish that documents are written in: names of rounds, times and labels.

use tertial_domain::round::stockholm;
use tertial_domain::{BodyKind, Period, ReportStatus, Round, Timestamp};

/// "Tertialrapport 1 2022", "Verksamhetsberättelse 2022".
pub fn round_name(round: &Round) -> String {
    let period = match round.period {
        Period::T1 => "Tertialrapport 1",
        Period::T2 => "Tertialrapport 2",
        Period::Vb => "Verksamhetsberättelse",
    };
    format!("{period} {}", round.year)
}

/// The months' names, January first.
pub const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// "29 november 2026".
pub fn date(date: jiff::civil::Date) -> String {
    let month = MONTHS[usize::try_from(date.month() - 1).unwrap_or(0)];
    format!("{} {month} {}", date.day(), date.year())
}

/// "29 november 2026 kl. 14.02", in Stockholm time.
pub fn date_time(t: Timestamp) -> String {
    let local = t.to_zoned_datetime(stockholm());
    format!(
        "{} kl. {:02}.{:02}",
        date(local.date()),
        local.hour(),
        local.minute()
    )
}

/// "Stadsdelsnämnd", "Facknämnd", "Bolagsstyrelse".
pub fn body_kind(kind: BodyKind) -> &'static str {
    match kind {
        BodyKind::DistrictCommittee => "Stadsdelsnämnd",
        BodyKind::SpecialistCommittee => "Facknämnd",
        BodyKind::CompanyBoard => "Bolagsstyrelse",
    }
}

/// A body's status in a compiled report's appendix: whether anything was submitted, and
/// what became of it; `left_out` when the report compiles approved versions only and this
/// one is not approved.
pub fn compiled_status(status: ReportStatus, submitted: bool, left_out: bool) -> &'static str {
    match (submitted, status, left_out) {
        (false, _, _) => "Ej inkommit",
        (true, _, true) => "Inskickad, ej godkänd (ej med)",
        (true, ReportStatus::Approved, _) => "Godkänd",
        (true, ReportStatus::Returned, _) => "Återsänd för komplettering",
        (true, ReportStatus::Submitted, _) => "Inskickad",
        (true, ReportStatus::Draft | ReportStatus::NotStarted, _) => "Inskickad, under ändring",
    }
}

/// The title a round's compiled report gets until the coordinator writes another: the
/// näringslivsrapport for a business-policy follow-up, else the follow-up's own title.
pub fn default_title(follow_up: &str, round: &Round) -> String {
    if follow_up.to_lowercase().contains("näringsliv") {
        format!("Näringslivsrapport {}", round_name(round))
    } else {
        format!("{follow_up} – {}", round_name(round))
    }
}

pub const CONTACT_NAME: &str = "Kontaktperson";
pub const CONTACT_PHONE: &str = "Telefon";
pub const CONTACT_EMAIL: &str = "E-post";

/// A file name every browser and file system keeps: å, ä and ö become a, a and o, and
/// anything else not plain becomes "-".
pub fn ascii_filename(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'Å' | 'Ä' => 'A',
            'ö' => 'o',
            'Ö' => 'O',
            c if c.is_ascii_alphanumeric() || c == '.' || c == '-' => c,
            _ => '-',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_swedes_write_them() {
        let winter: Timestamp = "2026-11-29T13:02:00Z".parse().expect("time");
        assert_eq!(date_time(winter), "29 november 2026 kl. 14.02");
        let summer: Timestamp = "2022-05-01T07:05:00Z".parse().expect("time");
        assert_eq!(date_time(summer), "1 maj 2022 kl. 09.05");
    }

    #[test]
    fn file_names_are_plain() {
        assert_eq!(
            ascii_filename("Skärholmen T1 Övrigt/..\".md"),
            "Skarholmen-T1-Ovrigt-..-.md"
        );
    }
}
