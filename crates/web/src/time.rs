//! Times as Swedes read them: Stockholm time, 24-hour clock, ISO dates.

use tertial_domain::Timestamp;
use tertial_domain::round::stockholm;

/// "2022-05-11 14:02".
pub fn date_time(t: Timestamp) -> String {
    t.to_zoned_datetime(stockholm())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// "14:02".
pub fn clock(t: Timestamp) -> String {
    t.to_zoned_datetime(stockholm())
        .strftime("%H:%M")
        .to_string()
}
