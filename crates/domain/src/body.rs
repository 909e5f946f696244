//! Reporting bodies (rapporterande organ).

use crate::{BodyId, Invalid};

/// What kind of body answers; each kind gets its own set of questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// Stadsdelsnämnd.
    DistrictCommittee,
    /// Facknämnd.
    SpecialistCommittee,
    /// Bolagsstyrelse.
    CompanyBoard,
}

impl BodyKind {
    pub const ALL: [BodyKind; 3] = [
        BodyKind::DistrictCommittee,
        BodyKind::SpecialistCommittee,
        BodyKind::CompanyBoard,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            BodyKind::DistrictCommittee => "district_committee",
            BodyKind::SpecialistCommittee => "specialist_committee",
            BodyKind::CompanyBoard => "company_board",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| Invalid::Code(code.to_owned()))
    }
}

/// A committee or company board that answers follow-ups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub id: BodyId,
    pub name: String,
    pub short_name: String,
    pub kind: BodyKind,
    pub active: bool,
}
