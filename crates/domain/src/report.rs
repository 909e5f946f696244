//! Reports (rapporter): one body's answers in one round, their workflow and submissions.

use std::collections::HashMap;

use crate::validate::{is_valid_email, is_valid_phone};
use crate::{BodyId, Invalid, Question, QuestionKey, ReportId, RoundId, Timestamp, UserId};

/// `ej påbörjad` → `utkast` → `inskickad` → (`återsänd` → `utkast` → `inskickad`)* → `godkänd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    NotStarted,
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 5] = [
        ReportStatus::NotStarted,
        ReportStatus::Draft,
        ReportStatus::Submitted,
        ReportStatus::Returned,
        ReportStatus::Approved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::NotStarted => "not_started",
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
            ReportStatus::Approved => "approved",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| Invalid::Code(code.to_owned()))
    }

    /// Whether the body may still change its answers. A submitted report is read-only
    /// until the coordinator returns it.
    pub fn editable(self) -> bool {
        crate::workflow::SAVE.allows(self)
    }
}

/// One body's report in one round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: ReportId,
    pub round_id: RoundId,
    pub body_id: BodyId,
    pub status: ReportStatus,
    /// The last time anything was saved or submitted.
    pub updated_at: Option<Timestamp>,
    /// The time of the latest submission.
    pub submitted_at: Option<Timestamp>,
}

/// A field of a report: an answer to a question, or one of the fields every report has.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field {
    Answer(QuestionKey),
    ContactName,
    ContactPhone,
    ContactEmail,
    /// Övriga upplysningar.
    OtherInformation,
}

impl Field {
    pub const FIXED: [Field; 4] = [
        Field::ContactName,
        Field::ContactPhone,
        Field::ContactEmail,
        Field::OtherInformation,
    ];

    /// The stable code, used in storage and in form field names. Fixed fields contain an
    /// underscore, which question keys never do, so the two cannot collide.
    pub fn code(&self) -> &str {
        match self {
            Field::Answer(key) => key.as_str(),
            Field::ContactName => "contact_name",
            Field::ContactPhone => "contact_phone",
            Field::ContactEmail => "contact_email",
            Field::OtherInformation => "other_information",
        }
    }

    pub fn parse(code: &str) -> Result<Self, Invalid> {
        Ok(match code {
            "contact_name" => Field::ContactName,
            "contact_phone" => Field::ContactPhone,
            "contact_email" => Field::ContactEmail,
            "other_information" => Field::OtherInformation,
            key => Field::Answer(QuestionKey::parse(key)?),
        })
    }

    /// Whether "Ej aktuellt" makes sense for this field at all.
    pub fn is_answer(&self) -> bool {
        matches!(self, Field::Answer(_))
    }

    /// A field of one line: the contact person's name, phone and e-mail.
    pub fn is_one_line(&self) -> bool {
        matches!(
            self,
            Field::ContactName | Field::ContactPhone | Field::ContactEmail
        )
    }
}

/// What became of one field's save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Stored as this version. (A save of exactly the text already stored, such as the retry
    /// of a save whose answer was lost on the way, is this too, with the stored version.)
    Saved { version: i64, at: Timestamp },
    /// Someone saved a newer version since the one the save started from; nothing was
    /// overwritten. This is the version now stored.
    Conflict(StoredField),
}

/// What a field holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldValue {
    pub text: String,
    /// "Ej aktuellt".
    #[serde(default)]
    pub not_applicable: bool,
}

impl FieldValue {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            not_applicable: false,
        }
    }

    pub fn not_applicable() -> Self {
        Self {
            text: String::new(),
            not_applicable: true,
        }
    }

    /// A short fingerprint of the value. A form carries the fingerprint of what it showed,
    /// so a save of the whole form can tell the fields the person changed from those they
    /// left alone (which must not be written back over a colleague's newer text).
    pub fn fingerprint(&self) -> String {
        // FNV-1a, 64 bits: not a security measure, only change detection.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let bytes = std::iter::once(u8::from(self.not_applicable)).chain(self.text.bytes());
        for byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }

    fn is_answered(&self) -> bool {
        self.not_applicable || !self.text.trim().is_empty()
    }
}

/// A field as stored, with the version that guards it against lost updates: a save names
/// the version it started from, and only succeeds if that is still the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredField {
    pub field: Field,
    pub value: FieldValue,
    /// 0 means never saved.
    pub version: i64,
    pub updated_at: Timestamp,
}

/// The contact person for questions about the report. Work details only (GDPR).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContactPerson {
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// A question's answer as frozen in a submission.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubmittedAnswer {
    pub key: QuestionKey,
    pub text: String,
    pub not_applicable: bool,
}

/// Everything a body submitted, frozen.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubmittedContent {
    pub answers: Vec<SubmittedAnswer>,
    pub contact: ContactPerson,
    pub other_information: String,
}

impl SubmittedContent {
    pub fn answer(&self, key: &QuestionKey) -> Option<&SubmittedAnswer> {
        self.answers.iter().find(|a| &a.key == key)
    }
}

/// An immutable, numbered submission (inskickad version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub report_id: ReportId,
    pub number: i64,
    pub submitted_at: Timestamp,
    pub submitted_by: UserId,
    pub submitted_by_name: String,
    /// Submitted after the round's deadline.
    pub late: bool,
    pub content: SubmittedContent,
}

/// Why a report cannot be submitted yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Unanswered(QuestionKey),
    ContactNameMissing,
    ContactPhoneMissing,
    ContactPhoneInvalid,
    ContactEmailMissing,
    ContactEmailInvalid,
}

impl Problem {
    /// The field to fix.
    pub fn field(&self) -> Field {
        match self {
            Problem::Unanswered(key) => Field::Answer(key.clone()),
            Problem::ContactNameMissing => Field::ContactName,
            Problem::ContactPhoneMissing | Problem::ContactPhoneInvalid => Field::ContactPhone,
            Problem::ContactEmailMissing | Problem::ContactEmailInvalid => Field::ContactEmail,
        }
    }
}

/// The fields of a report by field, as currently saved.
pub type Fields = HashMap<Field, FieldValue>;

/// Checks that a report can be submitted: every question answered or, where allowed,
/// marked "Ej aktuellt", and a contact person with a valid phone number and e-mail address.
/// Returns the problems in form order.
pub fn check_submission(questions: &[&Question], fields: &Fields) -> Vec<Problem> {
    let empty = FieldValue::default();
    let get = |f: &Field| fields.get(f).unwrap_or(&empty);
    let mut problems: Vec<Problem> = questions
        .iter()
        .filter(|q| {
            let value = get(&Field::Answer(q.key.clone()));
            let na_ok = value.not_applicable && q.not_applicable_allowed;
            !(na_ok || (!value.not_applicable && value.is_answered()))
        })
        .map(|q| Problem::Unanswered(q.key.clone()))
        .collect();
    if get(&Field::ContactName).text.trim().is_empty() {
        problems.push(Problem::ContactNameMissing);
    }
    let phone = get(&Field::ContactPhone).text.trim();
    if phone.is_empty() {
        problems.push(Problem::ContactPhoneMissing);
    } else if !is_valid_phone(phone) {
        problems.push(Problem::ContactPhoneInvalid);
    }
    let email = get(&Field::ContactEmail).text.trim();
    if email.is_empty() {
        problems.push(Problem::ContactEmailMissing);
    } else if !is_valid_email(email) {
        problems.push(Problem::ContactEmailInvalid);
    }
    problems
}

/// What submitting does with the fields: checks them and, if complete, freezes them.
pub fn prepare_submission(
    questions: &[&Question],
    fields: &Fields,
) -> Result<SubmittedContent, Vec<Problem>> {
    let problems = check_submission(questions, fields);
    if problems.is_empty() {
        Ok(freeze(questions, fields))
    } else {
        Err(problems)
    }
}

/// Freezes the current fields into what a submission holds.
pub fn freeze(questions: &[&Question], fields: &Fields) -> SubmittedContent {
    let text = |f: Field| {
        fields
            .get(&f)
            .map(|v| v.text.trim().to_owned())
            .unwrap_or_default()
    };
    SubmittedContent {
        answers: questions
            .iter()
            .map(|q| {
                let value = fields
                    .get(&Field::Answer(q.key.clone()))
                    .cloned()
                    .unwrap_or_default();
                // Behind "Ej aktuellt", what was written is kept as its justification.
                SubmittedAnswer {
                    key: q.key.clone(),
                    text: value.text.trim().to_owned(),
                    not_applicable: value.not_applicable,
                }
            })
            .collect(),
        contact: ContactPerson {
            name: text(Field::ContactName),
            phone: text(Field::ContactPhone),
            email: text(Field::ContactEmail),
        },
        other_information: text(Field::OtherInformation),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BodyKind;

    fn question(key: &str, na: bool) -> Question {
        Question {
            key: QuestionKey::parse(key).expect("key"),
            focus_area: 1,
            position: 1,
            text: "Beskriv".into(),
            help: None,
            applies_to: vec![BodyKind::DistrictCommittee],
            bodies: Vec::new(),
            not_applicable_allowed: na,
        }
    }

    fn complete_contact() -> Fields {
        let mut fields = Fields::new();
        fields.insert(Field::ContactName, FieldValue::text("Kim Exempel"));
        fields.insert(Field::ContactPhone, FieldValue::text("08-508 000 00"));
        fields.insert(Field::ContactEmail, FieldValue::text("kim@example.se"));
        fields
    }

    #[test]
    fn every_question_must_be_answered_or_not_applicable() {
        let (a, b, c) = (
            question("a", true),
            question("b", false),
            question("c", true),
        );
        let qs = [&a, &b, &c];
        let mut fields = complete_contact();
        fields.insert(Field::Answer(a.key.clone()), FieldValue::not_applicable());
        fields.insert(Field::Answer(b.key.clone()), FieldValue::not_applicable());
        fields.insert(Field::Answer(c.key.clone()), FieldValue::text("  "));
        assert_eq!(
            check_submission(&qs, &fields),
            vec![
                Problem::Unanswered(b.key.clone()),
                Problem::Unanswered(c.key.clone())
            ]
        );
        fields.insert(Field::Answer(b.key.clone()), FieldValue::text("Svar"));
        fields.insert(Field::Answer(c.key.clone()), FieldValue::text("Svar"));
        assert!(check_submission(&qs, &fields).is_empty());
    }

    #[test]
    fn contact_person_needs_valid_phone_and_email() {
        let mut fields = Fields::new();
        assert_eq!(
            check_submission(&[], &fields),
            vec![
                Problem::ContactNameMissing,
                Problem::ContactPhoneMissing,
                Problem::ContactEmailMissing
            ]
        );
        fields.insert(Field::ContactName, FieldValue::text("Kim"));
        fields.insert(Field::ContactPhone, FieldValue::text("ring mig"));
        fields.insert(Field::ContactEmail, FieldValue::text("kim@"));
        assert_eq!(
            check_submission(&[], &fields),
            vec![Problem::ContactPhoneInvalid, Problem::ContactEmailInvalid]
        );
    }

    #[test]
    fn frozen_content_keeps_text_behind_not_applicable_as_its_justification() {
        let a = question("a", true);
        let mut fields = complete_contact();
        fields.insert(
            Field::Answer(a.key.clone()),
            FieldValue {
                text: "gammal text".into(),
                not_applicable: true,
            },
        );
        let frozen = freeze(&[&a], &fields);
        assert_eq!(frozen.answers[0].text, "gammal text");
        assert!(frozen.answers[0].not_applicable);
        assert_eq!(frozen.contact.email, "kim@example.se");
    }

    #[test]
    fn fingerprints_tell_values_apart() {
        let a = FieldValue::text("Svar");
        assert_eq!(a.fingerprint(), FieldValue::text("Svar").fingerprint());
        assert_ne!(a.fingerprint(), FieldValue::text("Svar.").fingerprint());
        let na = FieldValue {
            text: "Svar".into(),
            not_applicable: true,
        };
        assert_ne!(a.fingerprint(), na.fingerprint());
    }

    #[test]
    fn field_codes_round_trip() {
        for field in Field::FIXED {
            assert_eq!(Field::parse(field.code()), Ok(field.clone()));
        }
        assert_eq!(
            Field::parse("vaxla-upp"),
            Ok(Field::Answer(QuestionKey::parse("vaxla-upp").expect("key")))
        );
        assert!(Field::parse("../x").is_err());
    }

    #[test]
    fn submitted_reports_are_read_only_until_returned() {
        assert!(!ReportStatus::Submitted.editable());
        assert!(!ReportStatus::Approved.editable());
        assert!(ReportStatus::Returned.editable() && ReportStatus::NotStarted.editable());
    }
}
