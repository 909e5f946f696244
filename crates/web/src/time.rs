//! Times as Swedes read them: Stockholm time, the month by name, "kl." and a dot between
//! hour and minute ("29 november 2026 kl. 14.02").

use tertial_domain::Timestamp;
use tertial_domain::round::stockholm;

/// "29 november 2026 kl. 14.02": as the documents write it.
pub fn date_time(t: Timestamp) -> String {
    tertial_documents::swedish::date_time(t)
}

/// "29 november 2026".
pub fn date(d: jiff::civil::Date) -> String {
    tertial_documents::swedish::date(d)
}

/// "14.02".
pub fn clock(t: Timestamp) -> String {
    t.to_zoned_datetime(stockholm())
        .strftime("%H.%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn times_are_written_the_swedish_way_in_stockholm_time() {
        // Winter: UTC+1.
        assert_eq!(
            date_time(at("2026-11-29T13:02:00Z")),
            "29 november 2026 kl. 14.02"
        );
        // Summer: UTC+2, and the day can differ from UTC's.
        assert_eq!(
            date_time(at("2022-05-31T22:05:00Z")),
            "1 juni 2022 kl. 00.05"
        );
        assert_eq!(clock(at("2022-01-05T08:09:00Z")), "09.09");
    }

    #[test]
    fn every_month_has_its_name() {
        let names: Vec<String> = (1..=12)
            .map(|m| date(jiff::civil::date(2022, m, 9)))
            .collect();
        assert_eq!(names[0], "9 januari 2022");
        assert_eq!(names[4], "9 maj 2022");
        assert_eq!(names[11], "9 december 2022");
    }
}
