//! Forms brought in from a file: what was read, waiting for the person to confirm it, and
//! what confirming would change. The file formats themselves live in `tertial-documents`;
//! this is what the rest of Tertial keeps of them (never the file).

use crate::{Field, FieldValue, QuestionKey, StoredField};

/// Where an import goes: into the body's own draft (its reporter), or as a submitted
/// version of a past round marked imported (a coordinator, or the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Draft,
    Historic,
}

impl ImportKind {
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Draft => "draft",
            ImportKind::Historic => "historic",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [ImportKind::Draft, ImportKind::Historic]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// A question matched by a similar text rather than by its tag or its exact words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Similar {
    pub percent: u8,
    /// The question as the file had it.
    pub found: String,
}

/// One field the file gives a value for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportedField {
    /// The field's code (a question key, `contact_name`, …).
    pub field: String,
    pub value: FieldValue,
    /// Set when the question was recognised only by similarity.
    #[serde(default)]
    pub similar: Option<Similar>,
}

impl ImportedField {
    pub fn field(&self) -> Option<Field> {
        Field::parse(&self.field).ok()
    }
}

/// What was read from a form file, as it is kept until confirmed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportContent {
    /// The answers found (in the form's order), then the contact person's fields and
    /// Övriga upplysningar when the file had them.
    pub fields: Vec<ImportedField>,
    /// Text that matched no question, in the file's order.
    pub unmatched: Vec<String>,
    /// For an import into a draft: each field's stored version when the preview was made,
    /// so that confirming never overwrites an edit made since (it is a conflict instead).
    #[serde(default)]
    pub base_versions: Vec<(String, i64)>,
}

impl ImportContent {
    /// The version `field` had when the preview was made (0: never saved).
    pub fn base_version(&self, field: &Field) -> i64 {
        self.base_versions
            .iter()
            .find(|(code, _)| code == field.code())
            .map_or(0, |(_, version)| *version)
    }

    /// The value the file gives `field`, if any.
    pub fn value(&self, field: &Field) -> Option<&ImportedField> {
        self.fields.iter().find(|f| f.field == field.code())
    }

    /// How many questions the file answered.
    pub fn answers(&self) -> usize {
        self.fields
            .iter()
            .filter(|f| f.field().is_some_and(|f| f.is_answer()))
            .count()
    }
}

/// What an imported value would do to a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The field already holds this value.
    Unchanged,
    /// The field is empty now.
    New,
    /// The field holds another value now.
    Replaced,
}

impl Change {
    /// Compares what the file gives with what the field holds now.
    pub fn of(imported: &FieldValue, current: &FieldValue) -> Change {
        if imported == current {
            Change::Unchanged
        } else if current.text.trim().is_empty() && !current.not_applicable {
            Change::New
        } else {
            Change::Replaced
        }
    }
}

/// The fields an import into a draft writes: those whose value differs from what is stored
/// now, each against the version stored when the preview was made.
pub fn changes_to_apply(
    content: &ImportContent,
    current: &[StoredField],
) -> Vec<(Field, FieldValue, i64)> {
    content
        .fields
        .iter()
        .filter_map(|imported| {
            let field = imported.field()?;
            let now = current.iter().find(|f| f.field == field);
            let unchanged = now.is_some_and(|now| now.value == imported.value)
                || (now.is_none() && imported.value == FieldValue::default());
            (!unchanged).then(|| {
                let base = content.base_version(&field);
                (field, imported.value.clone(), base)
            })
        })
        .collect()
}

/// The key of an answer field, if it is one.
pub fn answer_key(field: &Field) -> Option<&QuestionKey> {
    match field {
        Field::Answer(key) => Some(key),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(field: Field, text: &str, version: i64) -> StoredField {
        StoredField {
            field,
            value: FieldValue::text(text),
            version,
            updated_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn only_changed_fields_are_written_against_the_previewed_version() {
        let content = ImportContent {
            fields: vec![
                ImportedField {
                    field: "contact_name".into(),
                    value: FieldValue::text("Kim"),
                    similar: None,
                },
                ImportedField {
                    field: "contact_phone".into(),
                    value: FieldValue::text("08-1"),
                    similar: None,
                },
            ],
            unmatched: Vec::new(),
            base_versions: vec![("contact_phone".into(), 2)],
        };
        let current = [
            stored(Field::ContactName, "Kim", 1),
            stored(Field::ContactPhone, "08-2", 3),
        ];
        assert_eq!(
            changes_to_apply(&content, &current),
            vec![(Field::ContactPhone, FieldValue::text("08-1"), 2)]
        );
    }

    #[test]
    fn changes_are_named_against_the_current_value() {
        let empty = FieldValue::default();
        assert_eq!(Change::of(&FieldValue::text("a"), &empty), Change::New);
        assert_eq!(
            Change::of(&FieldValue::text("a"), &FieldValue::text("a")),
            Change::Unchanged
        );
        assert_eq!(
            Change::of(&FieldValue::not_applicable(), &FieldValue::text("a")),
            Change::Replaced
        );
        assert_eq!(
            ImportKind::from_code("historic"),
            Some(ImportKind::Historic)
        );
    }
}
