//! Rounds (omgångar): a follow-up in one period of one year.

use crate::{FollowUpId, Invalid, RoundId};
use jiff::civil::Date;

/// The reporting period of a round, in the order of the year.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Period {
    /// Tertialrapport 1 (January–April).
    T1,
    /// Tertialrapport 2 (to 31 August).
    T2,
    /// Verksamhetsberättelse, the annual report.
    #[serde(rename = "VB")]
    Vb,
}

impl Period {
    pub fn code(self) -> &'static str {
        match self {
            Period::T1 => "T1",
            Period::T2 => "T2",
            Period::Vb => "VB",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, Invalid> {
        match code {
            "T1" => Ok(Period::T1),
            "T2" => Ok(Period::T2),
            "VB" => Ok(Period::Vb),
            _ => Err(Invalid::Code(code.to_owned())),
        }
    }
}

/// Planned → open → closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    Planned,
    Open,
    Closed,
}

impl RoundStatus {
    pub fn code(self) -> &'static str {
        match self {
            RoundStatus::Planned => "planned",
            RoundStatus::Open => "open",
            RoundStatus::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, Invalid> {
        match code {
            "planned" => Ok(RoundStatus::Planned),
            "open" => Ok(RoundStatus::Open),
            "closed" => Ok(RoundStatus::Closed),
            _ => Err(Invalid::Code(code.to_owned())),
        }
    }
}

/// A round of a follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub id: RoundId,
    pub follow_up_id: FollowUpId,
    pub period: Period,
    pub year: i32,
    pub deadline: Date,
    pub status: RoundStatus,
}

impl Round {
    /// Whether an answer given on `today` is late. Late answers are allowed, and marked.
    pub fn is_late(&self, today: Date) -> bool {
        today > self.deadline
    }
}

/// The municipality's time zone: deadlines are Swedish dates, and times are shown as
/// Swedes read them.
pub fn stockholm() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Stockholm").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// The Swedish calendar date at a point in time.
pub fn swedish_date(t: crate::Timestamp) -> Date {
    t.to_zoned_datetime(stockholm()).date()
}
