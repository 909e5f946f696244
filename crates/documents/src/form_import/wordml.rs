//! WordprocessingML read into paragraphs: their text (line breaks as "\n"), style, list
//! marking, bookmarks and check boxes. Streaming with quick-xml; nesting deeper than
//! [`MAX_DEPTH`] is refused.

use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::ImportError;

const MAX_DEPTH: usize = 256;

/// A document read for its text.
#[derive(Debug, Default)]
pub struct Document {
    pub units: Vec<Unit>,
    /// Custom document properties, name to text.
    pub properties: HashMap<String, String>,
}

/// A paragraph (or, in plain text, a line).
#[derive(Debug, Default, Clone)]
pub struct Unit {
    /// Lines separated by "\n".
    pub text: String,
    /// A heading (or title) style: a boundary that is never an answer.
    pub heading: bool,
    pub list: Option<ListMark>,
    pub bookmarks: Vec<String>,
    /// A check box content control in the paragraph, and whether it is ticked.
    pub checkbox: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListMark {
    Bullet,
    Number(u32),
}

/// For each list (`numId`) and level, whether it is a bullet list.
pub type Numbering = HashMap<(String, String), bool>;

fn reader(input: &mut dyn BufRead) -> Reader<&mut dyn BufRead> {
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    reader
}

/// Walks every event with its depth checked, handing starts, empties, ends and text on.
fn walk(
    input: &mut dyn BufRead,
    mut on: impl FnMut(XmlEvent<'_>) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut reader = reader(input);
    let mut buf = Vec::new();
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|_| ImportError::BrokenXml)?;
        match event {
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(ImportError::BrokenXml);
                }
                on(XmlEvent::Start(&e))?;
            }
            Event::Empty(e) => {
                on(XmlEvent::Start(&e))?;
                on(XmlEvent::End(local(e.local_name().as_ref())))?;
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                on(XmlEvent::End(local(e.local_name().as_ref())))?;
            }
            Event::Text(t) => on(XmlEvent::Text(&t.xml10_content()))?,
            Event::CData(t) => on(XmlEvent::Text(&t.xml_content(XmlVersion::Implicit1_0)))?,
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => match &*r {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => return Err(ImportError::BrokenXml),
                    },
                    Err(_) => return Err(ImportError::BrokenXml),
                };
                on(XmlEvent::Text(c.encode_utf8(&mut [0; 4])))?;
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if depth != 0 {
        return Err(ImportError::BrokenXml);
    }
    Ok(())
}

enum XmlEvent<'a> {
    Start(&'a BytesStart<'a>),
    End(&'a str),
    Text(&'a str),
}

fn local(name: &str) -> &str {
    name
}

/// An attribute's value by its local name (`w:val` is "val").
fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Reads numbering.xml: which lists are bullet lists.
pub fn numbering(input: &mut dyn BufRead) -> Result<Numbering, ImportError> {
    let mut abstract_bullets: HashMap<(String, String), bool> = HashMap::new();
    let mut num_to_abstract: HashMap<String, String> = HashMap::new();
    let (mut abstract_id, mut level, mut num_id) = (String::new(), String::new(), String::new());
    walk(input, |event| {
        if let XmlEvent::Start(e) = event {
            match local(e.local_name().as_ref()) {
                "abstractNum" => abstract_id = attribute(e, "abstractNumId").unwrap_or_default(),
                "lvl" => level = attribute(e, "ilvl").unwrap_or_default(),
                "numFmt" => {
                    let bullet = attribute(e, "val").as_deref() == Some("bullet");
                    abstract_bullets.insert((abstract_id.clone(), level.clone()), bullet);
                }
                "num" => num_id = attribute(e, "numId").unwrap_or_default(),
                "abstractNumId" => {
                    num_to_abstract.insert(num_id.clone(), attribute(e, "val").unwrap_or_default());
                }
                _ => {}
            }
        }
        Ok(())
    })?;
    Ok(abstract_bullets
        .iter()
        .flat_map(|((abstract_id, level), bullet)| {
            num_to_abstract
                .iter()
                .filter(move |(_, a)| *a == abstract_id)
                .map(move |(num, _)| ((num.clone(), level.clone()), *bullet))
        })
        .collect())
}

/// Reads docProps/custom.xml: each property's name and text.
pub fn custom_properties(input: &mut dyn BufRead) -> Result<HashMap<String, String>, ImportError> {
    let mut properties = HashMap::new();
    let mut current: Option<(String, String)> = None;
    walk(input, |event| {
        match event {
            XmlEvent::Start(e) if local(e.local_name().as_ref()) == "property" => {
                current = Some((attribute(e, "name").unwrap_or_default(), String::new()));
            }
            XmlEvent::Text(t) => {
                if let Some((_, value)) = &mut current {
                    value.push_str(t);
                }
            }
            XmlEvent::End("property") => {
                if let Some((name, value)) = current.take() {
                    properties.insert(name, value.trim().to_owned());
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(properties)
}

/// Reads word/document.xml into paragraphs, in reading order; table cells' paragraphs in
/// turn. Deleted text (tracked changes) and field codes are left out, and so is the
/// fallback copy Word keeps of a text box.
pub fn document(
    input: &mut dyn BufRead,
    numbering: &Numbering,
    properties: HashMap<String, String>,
) -> Result<Document, ImportError> {
    let mut units = Vec::new();
    let mut open: Vec<Unit> = Vec::new();
    let mut pending_bookmarks = Vec::new();
    let (mut in_text, mut in_properties, mut skip) = (false, 0usize, 0usize);
    let (mut num_id, mut level) = (None::<String>, String::from("0"));
    let mut counters: HashMap<(String, String), u32> = HashMap::new();
    walk(input, |event| {
        match event {
            XmlEvent::Start(e) => {
                let local_name = e.local_name();
                let name = local(local_name.as_ref());
                if skip > 0 || name == "Fallback" {
                    skip += 1;
                    return Ok(());
                }
                match name {
                    "p" => {
                        open.push(Unit {
                            bookmarks: std::mem::take(&mut pending_bookmarks),
                            ..Unit::default()
                        });
                        num_id = None;
                        level = "0".into();
                    }
                    "pPr" | "rPr" => in_properties += 1,
                    "pStyle" => {
                        if let (Some(unit), Some(style)) = (open.last_mut(), attribute(e, "val")) {
                            let style = style.to_lowercase();
                            unit.heading = style.starts_with("heading")
                                || style.starts_with("rubrik")
                                || style == "title"
                                || style == "rubrik";
                            if style.contains("listbullet") || style.contains("punktlista") {
                                unit.list = Some(ListMark::Bullet);
                            }
                        }
                    }
                    "numId" => num_id = attribute(e, "val"),
                    "ilvl" => level = attribute(e, "val").unwrap_or_default(),
                    "t" if in_properties == 0 => in_text = true,
                    "tab" | "ptab" if in_properties == 0 => push_text(&mut open, " "),
                    "br" | "cr" if in_properties == 0 => {
                        let kind = attribute(e, "type");
                        if kind.is_none() || kind.as_deref() == Some("textWrapping") {
                            push_text(&mut open, "\n");
                        }
                    }
                    "noBreakHyphen" => push_text(&mut open, "-"),
                    "bookmarkStart" => {
                        let name = attribute(e, "name").unwrap_or_default();
                        match open.last_mut() {
                            Some(unit) => unit.bookmarks.push(name),
                            None => pending_bookmarks.push(name),
                        }
                    }
                    "checked" => {
                        if let Some(unit) = open.last_mut() {
                            let value = attribute(e, "val").unwrap_or_else(|| "1".into());
                            unit.checkbox = Some(matches!(value.as_str(), "1" | "true" | "on"));
                        }
                    }
                    _ => {}
                }
            }
            XmlEvent::End(name) => {
                if skip > 0 {
                    skip -= 1;
                    return Ok(());
                }
                match name {
                    "t" => in_text = false,
                    "pPr" | "rPr" => in_properties = in_properties.saturating_sub(1),
                    "numPr" => {
                        if let (Some(unit), Some(id)) = (open.last_mut(), num_id.take()) {
                            // numId 0 takes a paragraph out of a list.
                            if id != "0" {
                                let key = (id, level.clone());
                                unit.list = Some(if numbering.get(&key).copied().unwrap_or(true) {
                                    ListMark::Bullet
                                } else {
                                    let n = counters.entry(key).or_insert(0);
                                    *n += 1;
                                    ListMark::Number(*n)
                                });
                            }
                        }
                    }
                    "p" => units.extend(open.pop()),
                    _ => {}
                }
            }
            XmlEvent::Text(t) => {
                if in_text && skip == 0 {
                    push_text(&mut open, t);
                }
            }
        }
        Ok(())
    })?;
    Ok(Document { units, properties })
}

fn push_text(open: &mut [Unit], text: &str) {
    if let Some(unit) = open.last_mut() {
        unit.text.push_str(text);
    }
}
