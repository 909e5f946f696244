//! Word (.docx, Office Open XML): headings in the built-in styles "heading 1" to "heading
//! 3" (so Word's navigation pane and table of contents work), answers as paragraphs and
//! real bullet lists, a table of contents field that Word fills in on opening, page numbers
//! in the footer and the document's properties. The XML is written by hand and streamed into
//! the zip archive: the document is never held in memory.

use std::io::{self, BufWriter, Seek, Write};

use tertial_domain::compiled::{Block, CompiledReport, blocks};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::outline::{self, Item};
use crate::xml::{escape, escaped};

pub const MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Writes `report` as a .docx file to `out`.
pub fn write<W: Write + Seek>(report: &CompiledReport, out: W) -> io::Result<W> {
    let mut zip = ZipWriter::new(out);
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1));
    let part = |zip: &mut ZipWriter<W>, name: &str, content: &str| -> io::Result<()> {
        zip.start_file(name, options)?;
        zip.write_all(content.as_bytes())
    };
    part(&mut zip, "[Content_Types].xml", CONTENT_TYPES)?;
    part(&mut zip, "_rels/.rels", PACKAGE_RELS)?;
    part(&mut zip, "docProps/core.xml", &core_properties(report))?;
    part(&mut zip, "docProps/app.xml", &app_properties(report))?;
    part(&mut zip, "word/_rels/document.xml.rels", DOCUMENT_RELS)?;
    part(&mut zip, "word/styles.xml", STYLES)?;
    part(&mut zip, "word/numbering.xml", NUMBERING)?;
    part(&mut zip, "word/settings.xml", SETTINGS)?;
    part(&mut zip, "word/footer1.xml", FOOTER)?;
    zip.start_file("word/document.xml", options)?;
    {
        let mut w = BufWriter::with_capacity(1 << 16, &mut zip);
        w.write_all(DOCUMENT_START.as_bytes())?;
        let mut columns = 0;
        outline::walk(report, &mut |item| write_item(&mut w, item, &mut columns))?;
        w.write_all(DOCUMENT_END.as_bytes())?;
        w.flush()?;
    }
    Ok(zip.finish()?)
}

fn write_item(w: &mut impl Write, item: Item<'_>, columns: &mut usize) -> io::Result<()> {
    match item {
        Item::Title { title, subtitle } => {
            paragraph(w, Some("Title"), &[title])?;
            for line in &subtitle {
                paragraph(w, Some("Subtitle"), &[line])?;
            }
        }
        Item::Contents => {
            paragraph(w, Some("TOCHeading"), &[outline::CONTENTS])?;
            w.write_all(TOC_FIELD.as_bytes())?;
        }
        Item::Heading { level, text } => {
            paragraph(w, Some(&format!("Heading{level}")), &[&text])?;
        }
        Item::Text(text) => typed_text(w, text)?,
        Item::Note { label, text } => {
            w.write_all(b"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">")?;
            escape(w, label)?;
            w.write_all(b": </w:t></w:r>")?;
            run(w, &text)?;
            w.write_all(b"</w:p>")?;
        }
        Item::Bullets(items) => {
            for item in &items {
                bullet(w, item)?;
            }
        }
        Item::Table(header) => {
            *columns = header.len();
            let shares: usize = header.iter().map(|(_, share)| usize::from(*share)).sum();
            w.write_all(
                b"<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/>\
                  <w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLook w:val=\"0420\" \
                  w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" \
                  w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
            )?;
            for (_, share) in &header {
                let width = TEXT_WIDTH * usize::from(*share) / shares.max(1);
                write!(w, "<w:gridCol w:w=\"{width}\"/>")?;
            }
            w.write_all(b"</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>")?;
            for (cell, _) in header {
                w.write_all(b"<w:tc><w:p><w:r><w:rPr><w:b/></w:rPr>")?;
                text_element(w, &cell)?;
                w.write_all(b"</w:r></w:p></w:tc>")?;
            }
            w.write_all(b"</w:tr>")?;
        }
        Item::Row(cells) => {
            w.write_all(b"<w:tr>")?;
            for cell in cells.iter().take(*columns) {
                w.write_all(b"<w:tc><w:p>")?;
                run(w, cell)?;
                w.write_all(b"</w:p></w:tc>")?;
            }
            w.write_all(b"</w:tr>")?;
        }
        // Word wants a paragraph between a table and the end of the body.
        Item::TableEnd => w.write_all(b"</w:tbl><w:p/>")?,
    }
    Ok(())
}

/// Typed text as Word paragraphs and real bullet lists.
pub(crate) fn typed_text(w: &mut impl Write, text: &str) -> io::Result<()> {
    for block in blocks(text) {
        match block {
            Block::Paragraph(lines) => paragraph(w, None, &lines)?,
            Block::Bullets(items) => {
                for item in items {
                    bullet(w, item)?;
                }
            }
        }
    }
    Ok(())
}

/// The width of the text on an A4 page with 2.5 cm margins, in twentieths of a point.
const TEXT_WIDTH: usize = 9_072;

/// A paragraph in `style` (or Normal), its lines separated by line breaks.
pub(crate) fn paragraph(w: &mut impl Write, style: Option<&str>, lines: &[&str]) -> io::Result<()> {
    w.write_all(b"<w:p>")?;
    if let Some(style) = style {
        write!(w, "<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>")?;
    }
    w.write_all(b"<w:r>")?;
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            w.write_all(b"<w:br/>")?;
        }
        text_element(w, line)?;
    }
    w.write_all(b"</w:r></w:p>")
}

/// A bullet list item: a real Word list (numbering 1, level 0).
pub(crate) fn bullet(w: &mut impl Write, item: &str) -> io::Result<()> {
    w.write_all(
        b"<w:p><w:pPr><w:pStyle w:val=\"ListParagraph\"/>\
          <w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>",
    )?;
    run(w, item)?;
    w.write_all(b"</w:p>")
}

pub(crate) fn run(w: &mut impl Write, text: &str) -> io::Result<()> {
    w.write_all(b"<w:r>")?;
    text_element(w, text)?;
    w.write_all(b"</w:r>")
}

pub(crate) fn text_element(w: &mut impl Write, text: &str) -> io::Result<()> {
    w.write_all(b"<w:t xml:space=\"preserve\">")?;
    escape(w, text)?;
    w.write_all(b"</w:t>")
}

fn core_properties(report: &CompiledReport) -> String {
    let created = report.created.strftime("%Y-%m-%dT%H:%M:%SZ");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><dc:language>sv-SE</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified></cp:coreProperties>"#,
        escaped(&format!("{} – {}", report.title, report.round)),
        escaped(&report.follow_up),
        escaped(&report.organisation),
    )
}

fn app_properties(report: &CompiledReport) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Tertial</Application><Company>{}</Company></Properties>"#,
        escaped(&report.organisation)
    )
}

pub(crate) const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

pub(crate) const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>"#;

const DOCUMENT_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>"#;

pub(crate) const DOCUMENT_END: &str = r#"<w:sectPr><w:footerReference w:type="default" r:id="rId4"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr></w:body></w:document>"#;

/// A table of contents of headings 1 to 3 with links; Word fills it in on opening (the
/// settings ask it to update fields), until then it says so.
const TOC_FIELD: &str = r#"<w:p><w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-3" \h \z \u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Innehållsförteckningen skapas när dokumentet öppnas i Word (eller med Uppdatera fält).</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#;

pub(crate) const FOOTER: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr><w:r><w:t xml:space="preserve">Sida </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>"#;

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:updateFields w:val="true"/><w:defaultTabStop w:val="1304"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;

pub(crate) const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;

/// Heading styles carry their outline level, which is what makes them headings to Word's
/// navigation pane, its table of contents and a PDF export's bookmarks.
pub(crate) const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Calibri" w:cs="Calibri"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="sv-SE" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="259" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Subtitle"/><w:qFormat/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:sz w:val="48"/><w:szCs w:val="48"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:rPr><w:color w:val="404040"/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="480" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="480" w:after="120"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/><w:pPr><w:spacing w:after="100"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC2"><w:name w:val="toc 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/><w:pPr><w:spacing w:after="100"/><w:ind w:left="220"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC3"><w:name w:val="toc 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/><w:pPr><w:spacing w:after="100"/><w:ind w:left="440"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="34"/><w:qFormat/><w:pPr><w:spacing w:after="60"/><w:ind w:left="720"/><w:contextualSpacing/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
</w:styles>"#;
