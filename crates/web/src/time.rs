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

    // The date's format has its tests with the documents' Swedish; the clock is the web's.
    #[test]
    fn the_clock_reads_stockholm_time_with_a_dot() {
        let at: Timestamp = "2022-01-05T08:09:00Z".parse().expect("timestamp");
        assert_eq!(clock(at), "09.09");
        let summer: Timestamp = "2022-05-31T22:05:00Z".parse().expect("timestamp");
        assert_eq!(date_time(summer), "1 juni 2022 kl. 00.05");
    }
}
