//! A body's form for one round as a Word file (.docx) that can come back: each answer sits in
//! a content control (`w:sdt`) tagged with its question's key, the contact person and
//! Övriga upplysningar likewise, and the form's identity is written into the file's custom
//! properties, so that `form_import` finds everything again after a person edited the file.
//!
//! LibreOffice (7.4) keeps neither a content control's tag nor more than its first paragraph
//! when it saves a .docx, but it keeps bookmarks, paragraph styles and custom properties. So
//! the paragraphs around each answer also carry hidden bookmarks (`_TertialQ3` on question
//! 3's heading, `_TertialH3` on its help text, `_TertialN3` on its "Ej aktuellt" line), the
//! custom property `TertialQuestion3` names question 3's key, and the answer is what follows
//! those paragraphs up to the next heading. Each answer sits in a box (a table of one cell);
//! an empty one holds a content control with Word's placeholder, tagged with the key, and
//! the contact fields and "Ej aktuellt" check boxes are content controls too.

use std::io::{self, BufWriter, Seek, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::docx::{
    CONTENT_TYPES, DOCUMENT_END, DOCUMENT_RELS, FOOTER, NUMBERING, STYLES, paragraph, text_element,
    typed_text,
};
use tertial_domain::compiled::one_line;

use crate::swedish;
use crate::xml::{escape, escaped};

/// What a body's form for one round says, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormDocument {
    pub organisation: String,
    /// The follow-up's title.
    pub follow_up: String,
    /// E.g. "Tertialrapport 2 2022".
    pub round: String,
    /// The body's name.
    pub body: String,
    /// Written into the file so that an import can check it is this form.
    pub identity: FormIdentity,
    /// Typed text: a blank line between paragraphs, "- " before a list item.
    pub introduction: String,
    /// The focus areas, in order.
    pub sections: Vec<FormSection>,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub other_information: String,
}

/// Which form a file is: the follow-up, the round and the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormIdentity {
    pub follow_up_id: i64,
    pub round_id: i64,
    pub body_id: i64,
}

/// A focus area and its questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormSection {
    pub heading: String,
    pub questions: Vec<FormQuestion>,
}

/// One question and its current answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormQuestion {
    /// The question's key, which tags its answer in the file.
    pub key: String,
    /// E.g. "1.2".
    pub number: String,
    pub text: String,
    pub help: String,
    /// Typed text; empty for a blank field.
    pub answer: String,
    /// "Ej aktuellt" is chosen; `answer` is then its justification.
    pub not_applicable: bool,
    /// Whether the question may be answered "Ej aktuellt" at all.
    pub may_be_not_applicable: bool,
}

/// Custom document properties that carry the form's identity and its questions' keys.
pub const PROPERTY_FOLLOW_UP: &str = "TertialFollowUpId";
pub const PROPERTY_ROUND: &str = "TertialRoundId";
pub const PROPERTY_BODY: &str = "TertialBodyId";
/// Followed by the question's number in the file (1, 2, …).
pub const PROPERTY_QUESTION: &str = "TertialQuestion";
/// Bookmark names' beginnings, followed by the question's number in the file. A leading
/// underscore hides a bookmark in Word's list.
pub const BOOKMARK_QUESTION: &str = "_TertialQ";
pub const BOOKMARK_HELP: &str = "_TertialH";
pub const BOOKMARK_NOT_APPLICABLE: &str = "_TertialN";

/// The heading above the contact table (not "Kontaktperson", which labels its first row).
pub const CONTACT_HEADING: &str = "Kontaktuppgifter";
pub const OTHER_INFORMATION: &str = "Övriga upplysningar";
pub const NOT_APPLICABLE: &str = "Ej aktuellt";
/// Word's own placeholder in an empty field, which the old templates also used.
pub const PLACEHOLDER: &str = "Klicka här för att ange text.";
const INSTRUCTIONS: &str = "Skriv svaren i fälten under frågorna. Låt rubrikerna stå kvar som de är, så kan filen läsas in i Tertial igen.";

/// Writes `form` as a .docx file to `out`.
pub fn write_form<W: Write + Seek>(form: &FormDocument, out: W) -> io::Result<W> {
    let mut zip = ZipWriter::new(out);
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6));
    let content_types = CONTENT_TYPES.replace(
        "</Types>",
        r#"<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>"#,
    );
    let parts = [
        ("[Content_Types].xml", content_types.as_str()),
        ("_rels/.rels", PACKAGE_RELS),
        ("docProps/core.xml", &core_properties(form)),
        ("docProps/app.xml", APP_PROPERTIES),
        ("docProps/custom.xml", &custom_properties(form)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", STYLES),
        ("word/numbering.xml", NUMBERING),
        ("word/settings.xml", SETTINGS),
        ("word/footer1.xml", FOOTER),
    ];
    for (name, content) in parts {
        zip.start_file(name, options)?;
        zip.write_all(content.as_bytes())?;
    }
    zip.start_file("word/document.xml", options)?;
    {
        let mut w = BufWriter::new(&mut zip);
        document(&mut w, form)?;
        w.flush()?;
    }
    Ok(zip.finish()?)
}

fn document(w: &mut impl Write, form: &FormDocument) -> io::Result<()> {
    w.write_all(DOCUMENT_START.as_bytes())?;
    paragraph(w, Some("Title"), &[&form.follow_up])?;
    for line in [&form.body, &form.round, &form.organisation] {
        paragraph(w, Some("Subtitle"), &[line])?;
    }
    note(w, INSTRUCTIONS, None)?;
    if !form.introduction.trim().is_empty() {
        paragraph(w, Some("Heading1"), &[crate::outline::INTRODUCTION])?;
        typed_text(w, &form.introduction)?;
    }
    let mut ids = 0..;
    let mut number = 0;
    for section in &form.sections {
        paragraph(w, Some("Heading1"), &[&section.heading])?;
        for question in &section.questions {
            number += 1;
            let heading = match question.number.as_str() {
                "" => question.text.clone(),
                n => format!("{n} {}", question.text),
            };
            marked(
                w,
                "Heading2",
                &format!("{BOOKMARK_QUESTION}{number}"),
                &heading,
                &mut ids,
            )?;
            if !question.help.trim().is_empty() {
                let bookmark = format!("{BOOKMARK_HELP}{number}");
                note(w, &question.help, Some((&bookmark, &mut ids)))?;
            }
            if question.may_be_not_applicable {
                not_applicable(w, number, question, &mut ids)?;
            }
            let alias = format!("Svar {}", question.number);
            answer_box(
                w,
                &format!("tertial:answer:{}", question.key),
                &alias,
                &question.answer,
                &mut ids,
            )?;
        }
    }
    paragraph(w, Some("Heading1"), &[CONTACT_HEADING])?;
    w.write_all(TABLE_START.as_bytes())?;
    for (label, tag, value) in [
        (swedish::CONTACT_NAME, "contact-name", &form.contact_name),
        (swedish::CONTACT_PHONE, "contact-phone", &form.contact_phone),
        (swedish::CONTACT_EMAIL, "contact-email", &form.contact_email),
    ] {
        w.write_all(b"<w:tr><w:tc><w:tcPr><w:tcW w:w=\"2500\" w:type=\"dxa\"/></w:tcPr><w:p><w:r><w:rPr><w:b/></w:rPr>")?;
        text_element(w, label)?;
        w.write_all(b"</w:r></w:p></w:tc><w:tc>")?;
        field(
            w,
            Field::Line,
            &format!("tertial:{tag}"),
            label,
            value,
            &mut ids,
        )?;
        w.write_all(b"</w:tc></w:tr>")?;
    }
    w.write_all(b"</w:tbl>")?;
    paragraph(w, Some("Heading1"), &[OTHER_INFORMATION])?;
    answer_box(
        w,
        "tertial:other-information",
        OTHER_INFORMATION,
        &form.other_information,
        &mut ids,
    )?;
    w.write_all(DOCUMENT_END.as_bytes())
}

/// A paragraph in `style` whose text a bookmark named `name` spans.
fn marked(
    w: &mut impl Write,
    style: &str,
    name: &str,
    text: &str,
    ids: &mut impl Iterator<Item = u32>,
) -> io::Result<()> {
    let id = ids.next().unwrap_or_default();
    write!(w, "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>")?;
    write!(w, "<w:bookmarkStart w:id=\"{id}\" w:name=\"{name}\"/><w:r>")?;
    text_element(w, text)?;
    write!(w, "</w:r><w:bookmarkEnd w:id=\"{id}\"/></w:p>")
}

/// A paragraph of guidance in italics, bookmarked if `bookmark` names one.
fn note(
    w: &mut impl Write,
    text: &str,
    bookmark: Option<(&str, &mut dyn Iterator<Item = u32>)>,
) -> io::Result<()> {
    let id = bookmark.map(|(name, ids)| (name, ids.next().unwrap_or_default()));
    w.write_all(b"<w:p>")?;
    if let Some((name, id)) = id {
        write!(w, "<w:bookmarkStart w:id=\"{id}\" w:name=\"{name}\"/>")?;
    }
    w.write_all(b"<w:r><w:rPr><w:i/><w:color w:val=\"404040\"/></w:rPr>")?;
    text_element(w, &one_line(text))?;
    w.write_all(b"</w:r>")?;
    if let Some((_, id)) = id {
        write!(w, "<w:bookmarkEnd w:id=\"{id}\"/>")?;
    }
    w.write_all(b"</w:p>")
}

/// The "Ej aktuellt" line: a check box content control, then its label.
fn not_applicable(
    w: &mut impl Write,
    number: usize,
    question: &FormQuestion,
    ids: &mut impl Iterator<Item = u32>,
) -> io::Result<()> {
    let (bookmark, sdt) = (
        ids.next().unwrap_or_default(),
        ids.next().unwrap_or_default(),
    );
    let (checked, glyph) = if question.not_applicable {
        (1, "☒")
    } else {
        (0, "☐")
    };
    write!(
        w,
        "<w:p><w:bookmarkStart w:id=\"{bookmark}\" w:name=\"{BOOKMARK_NOT_APPLICABLE}{number}\"/>\
         <w:sdt><w:sdtPr><w:alias w:val=\"{NOT_APPLICABLE} {}\"/><w:tag w:val=\"tertial:not-applicable:{}\"/>\
         <w:id w:val=\"{sdt}\"/><w14:checkbox><w14:checked w14:val=\"{checked}\"/>\
         <w14:checkedState w14:val=\"2612\" w14:font=\"MS Gothic\"/>\
         <w14:uncheckedState w14:val=\"2610\" w14:font=\"MS Gothic\"/></w14:checkbox></w:sdtPr>\
         <w:sdtContent><w:r><w:rPr><w:rFonts w:ascii=\"MS Gothic\" w:eastAsia=\"MS Gothic\" w:hAnsi=\"MS Gothic\"/></w:rPr>\
         <w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>\
         <w:r><w:t xml:space=\"preserve\"> {NOT_APPLICABLE}</w:t></w:r><w:bookmarkEnd w:id=\"{bookmark}\"/></w:p>",
        escaped(&question.number),
        escaped(&question.key),
    )
}

/// An answer's box: a table of one cell (a bounded area that every editor keeps), holding the
/// typed text, or, when there is none, a content control tagged `tag` with Word's
/// placeholder. Filled-in text is not put in a content control: LibreOffice 7.4 keeps only
/// the first paragraph of one, and drops the line breaks in that paragraph.
fn answer_box(
    w: &mut impl Write,
    tag: &str,
    alias: &str,
    text: &str,
    ids: &mut impl Iterator<Item = u32>,
) -> io::Result<()> {
    w.write_all(BOX_START.as_bytes())?;
    if text.trim().is_empty() {
        field(w, Field::Text, tag, alias, text, ids)?;
    } else {
        typed_text(w, text)?;
    }
    // Word wants a paragraph between a table and what follows.
    w.write_all(b"</w:tc></w:tr></w:tbl><w:p/>")
}

const BOX_START: &str = r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid><w:gridCol w:w="9072"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="5000" w:type="pct"/></w:tcPr>"#;

/// A content control tagged `tag` holding typed text, or Word's placeholder when empty. A
/// `Field::Line` sits inside one paragraph (a table cell's), a `Field::Text` holds paragraphs.
fn field(
    w: &mut impl Write,
    kind: Field,
    tag: &str,
    alias: &str,
    text: &str,
    ids: &mut impl Iterator<Item = u32>,
) -> io::Result<()> {
    let empty = text.trim().is_empty();
    if kind == Field::Line {
        w.write_all(b"<w:p>")?;
    }
    w.write_all(b"<w:sdt><w:sdtPr><w:alias w:val=\"")?;
    escape(w, alias.trim())?;
    w.write_all(b"\"/><w:tag w:val=\"")?;
    escape(w, tag)?;
    write!(
        w,
        "\"/><w:id w:val=\"{}\"/>",
        ids.next().unwrap_or_default()
    )?;
    if empty {
        w.write_all(b"<w:showingPlcHdr/>")?;
    }
    w.write_all(b"</w:sdtPr><w:sdtContent>")?;
    match (kind, empty) {
        (Field::Line, _) => {
            if empty {
                w.write_all(PLACEHOLDER_RUN_START.as_bytes())?;
                text_element(w, PLACEHOLDER)?;
            } else {
                w.write_all(b"<w:r>")?;
                text_element(w, &one_line(text))?;
            }
            w.write_all(b"</w:r></w:sdtContent></w:sdt></w:p>")
        }
        (Field::Text, true) => {
            w.write_all(b"<w:p>")?;
            w.write_all(PLACEHOLDER_RUN_START.as_bytes())?;
            text_element(w, PLACEHOLDER)?;
            w.write_all(b"</w:r></w:p></w:sdtContent></w:sdt>")
        }
        // Filled-in text is written in `answer_box`, outside any content control.
        (Field::Text, false) => typed_text(w, text),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Line,
    Text,
}

const PLACEHOLDER_RUN_START: &str = r#"<w:r><w:rPr><w:color w:val="595959"/></w:rPr>"#;

fn core_properties(form: &FormDocument) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><dc:language>sv-SE</dc:language></cp:coreProperties>"#,
        escaped(&format!("{} – {}", form.body, form.round)),
        escaped(&form.follow_up),
        escaped(&form.organisation),
    )
}

fn custom_properties(form: &FormDocument) -> String {
    let mut properties = vec![
        (
            PROPERTY_FOLLOW_UP.to_owned(),
            form.identity.follow_up_id.to_string(),
        ),
        (
            PROPERTY_ROUND.to_owned(),
            form.identity.round_id.to_string(),
        ),
        (PROPERTY_BODY.to_owned(), form.identity.body_id.to_string()),
    ];
    let keys = form
        .sections
        .iter()
        .flat_map(|s| &s.questions)
        .map(|q| &q.key);
    for (i, key) in keys.enumerate() {
        properties.push((format!("{PROPERTY_QUESTION}{}", i + 1), key.clone()));
    }
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
    );
    for (i, (name, value)) in properties.iter().enumerate() {
        xml.push_str(&format!(
            r#"<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{}" name="{}"><vt:lpwstr>{}</vt:lpwstr></property>"#,
            i + 2,
            escaped(name),
            escaped(value)
        ));
    }
    xml.push_str("</Properties>");
    xml
}

const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>"#;

const APP_PROPERTIES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Tertial</Application></Properties>"#;

/// No `updateFields` here (the form has no fields to fill in, and Word would ask).
const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="1304"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;

/// The w14 namespace is for the check boxes; Word before 2010 ignores it (`mc:Ignorable`).
const DOCUMENT_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="w14"><w:body>"#;

const TABLE_START: &str = r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid><w:gridCol w:w="2500"/><w:gridCol w:w="6572"/></w:tblGrid>"#;
