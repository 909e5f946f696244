//! Excel (.xlsx): sheet "Svar" with one row per body and question, sheet "Status" with the
//! appendix, and sheet "Bilagor" with the further appendices (if any), a block after another. Written with rust_xlsxwriter in its constant-memory mode: rows go to a temporary
//! file as they are written, and the archive is streamed out.

use std::borrow::Cow;
use std::io::{self, Write};

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};
use tertial_domain::compiled::{AppendixBlock, CompiledReport};

use crate::outline;

pub const MEDIA_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The sheets' names.
pub const ANSWERS: &str = "Svar";
pub const STATUS: &str = "Status";
pub const APPENDICES: &str = "Bilagor";

/// The columns of "Svar", with their widths in characters.
pub const ANSWER_COLUMNS: [(&str, f64); 8] = [
    ("Fokusområde", 28.0),
    ("Nr", 7.0),
    ("Fråga", 45.0),
    (outline::COLUMN_BODY, 32.0),
    (outline::COLUMN_KIND, 20.0),
    (outline::COLUMN_STATUS, 14.0),
    (outline::NOT_APPLICABLE, 12.0),
    ("Svar", 100.0),
];

/// Excel's limit on a cell's text.
const MAX_CELL_CHARS: usize = 32_767;

/// Writes `report` as an .xlsx file to `out`.
pub fn write<W: Write + Send>(report: &CompiledReport, out: W) -> io::Result<()> {
    build(report, out).map_err(|e| match e {
        XlsxError::IoError(e) => e,
        e => io::Error::other(e),
    })
}

fn build<W: Write + Send>(report: &CompiledReport, out: W) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(1);
    let header = Format::new().set_bold().set_align(FormatAlign::Top);
    let cell = Format::new().set_align(FormatAlign::Top);
    let wrapped = cell.clone().set_text_wrap();

    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(ANSWERS)?;
    start(sheet, &ANSWER_COLUMNS, &header)?;
    let mut row = 0;
    for area in &report.focus_areas {
        let area_name = if area.number.is_empty() {
            area.name.clone()
        } else {
            format!("{}. {}", area.number, area.name)
        };
        for question in &area.questions {
            // Every body that has something to say about the question, in the bodies' order.
            let mut entries: Vec<(usize, &str, &str, &str)> = Vec::with_capacity(
                question.answers.len()
                    + question.not_applicable.len()
                    + question.not_received.len(),
            );
            for a in &question.answers {
                entries.push((a.body, &report.body(a.body).status, "", &a.text));
            }
            for na in &question.not_applicable {
                let status = report.body(na.body).status.as_str();
                entries.push((na.body, status, "Ja", &na.justification));
            }
            for &b in &question.not_received {
                entries.push((b, outline::NOT_RECEIVED, "", ""));
            }
            entries.sort_by_key(|e| e.0);
            for (body, status, not_applicable, text) in entries {
                row += 1;
                let body = report.body(body);
                sheet.write_string_with_format(row, 0, &area_name, &cell)?;
                sheet.write_string_with_format(row, 1, &question.number, &cell)?;
                sheet.write_string_with_format(row, 2, &question.text, &wrapped)?;
                sheet.write_string_with_format(row, 3, &body.name, &cell)?;
                sheet.write_string_with_format(row, 4, &body.kind, &cell)?;
                sheet.write_string_with_format(row, 5, status, &cell)?;
                sheet.write_string_with_format(row, 6, not_applicable, &cell)?;
                sheet.write_string_with_format(row, 7, fit(text), &wrapped)?;
            }
        }
    }
    sheet.autofilter(0, 0, row.max(1), last_column(&ANSWER_COLUMNS))?;

    let mut columns = vec![
        (outline::COLUMN_BODY, 40.0),
        (outline::COLUMN_KIND, 22.0),
        (outline::COLUMN_STATUS, 16.0),
        (outline::COLUMN_VERSION, 9.0),
        (outline::COLUMN_SUBMITTED, 26.0),
    ];
    if report.includes_contacts {
        columns.push((outline::COLUMN_CONTACT, 50.0));
    }
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(STATUS)?;
    start(sheet, &columns, &header)?;
    let mut row = 0;
    for body in &report.bodies {
        row += 1;
        sheet.write_string_with_format(row, 0, &body.name, &cell)?;
        sheet.write_string_with_format(row, 1, &body.kind, &cell)?;
        sheet.write_string_with_format(row, 2, &body.status, &cell)?;
        if let Some(version) = body.version {
            // Exact: versions are small whole numbers.
            #[allow(clippy::cast_precision_loss)]
            sheet.write_number_with_format(row, 3, version as f64, &cell)?;
        }
        sheet.write_string_with_format(row, 4, &body.submitted_at, &cell)?;
        if report.includes_contacts {
            let contact = body.contact.as_ref().map(|c| c.one_line());
            sheet.write_string_with_format(row, 5, contact.unwrap_or_default(), &cell)?;
        }
    }
    sheet.autofilter(0, 0, row.max(1), last_column(&columns))?;
    if !report.appendices.is_empty() {
        appendices(
            report,
            workbook.add_worksheet_with_constant_memory()?,
            &header,
            &wrapped,
        )?;
    }
    workbook.save_to_writer(out)
}

/// The further appendices on one sheet: titles and headings in bold, a paragraph or a list
/// item a row, tables as they are, a blank row after each block.
fn appendices(
    report: &CompiledReport,
    sheet: &mut Worksheet,
    bold: &Format,
    cell: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name(APPENDICES)?;
    sheet.set_column_width(0, 40.0)?;
    sheet.set_column_width(1, 60.0)?;
    let mut row = 0;
    let mut line = |sheet: &mut Worksheet, cells: &[&str], format: &Format| {
        for (col, text) in (0u16..).zip(cells) {
            sheet.write_string_with_format(row, col, fit(text), format)?;
        }
        row += 1; // with no cells: a blank row

        Ok::<_, XlsxError>(())
    };
    for appendix in &report.appendices {
        line(sheet, &[&appendix.title], bold)?;
        for block in &appendix.blocks {
            match block {
                AppendixBlock::Heading(text) => line(sheet, &[text], bold)?,
                AppendixBlock::Paragraph(text) => line(sheet, &[text], cell)?,
                AppendixBlock::List(items) => {
                    for item in items {
                        line(sheet, &[item], cell)?;
                    }
                }
                AppendixBlock::Table { columns, rows } => {
                    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
                    line(sheet, &columns, bold)?;
                    for cells in rows {
                        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
                        line(sheet, &cells, cell)?;
                    }
                }
            }
            line(sheet, &[], cell)?;
        }
    }
    Ok(())
}

/// Column widths, the header row (frozen), before any other row is written.
fn start(sheet: &mut Worksheet, columns: &[(&str, f64)], header: &Format) -> Result<(), XlsxError> {
    for (col, (name, width)) in (0u16..).zip(columns) {
        sheet.set_column_width(col, *width)?;
        sheet.write_string_with_format(0, col, *name, header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn last_column(columns: &[(&str, f64)]) -> u16 {
    u16::try_from(columns.len().saturating_sub(1)).unwrap_or(0)
}

/// Text cut to what a cell holds, ending in "…" if cut.
fn fit(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(MAX_CELL_CHARS - 1) {
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
        None => Cow::Borrowed(text),
    }
}
