//! PDF: the compiled report typeset on A4 with our own simple line breaking, written with
//! `pdf-writer` object by object straight to the output (each page is written as soon as it
//! is full, so memory stays bounded whatever the report's size).
//!
//! - Fonts: Liberation Sans Regular and Bold (SIL Open Font License 1.1, see `fonts/`),
//!   embedded as subsets (`subsetter`) with a ToUnicode map, so text is extractable and
//!   searchable with å, ä and ö intact.
//! - Bookmarks (the outline) from the headings; page numbers in the footer.
//! - Tagged: a structure tree (Document, H1–H3, P, L/LI/LBody, Table/TR/TH/TD) whose
//!   elements point at marked content on the pages, in reading order; the page numbers and
//!   list bullets are artifacts; the document's language (sv-SE) and title are set and the
//!   title is shown instead of the file name. Not done: XMP metadata and a PDF/UA
//!   identifier, and no validation against PDF/UA (veraPDF) has been made.

use std::collections::HashMap;
use std::io::{self, BufWriter, Write};

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::types::{CidFontType, FontFlags, StructRole, SystemInfo, TabOrder, UnicodeCmap};
use pdf_writer::writers::{Catalog, DocumentInfo};
use pdf_writer::{Chunk, Content, Filter, Finish, Name, Rect, Ref, Settings, Str, TextStr};
use subsetter::GlyphRemapper;
use tertial_domain::compiled::{Block, CompiledReport, blocks};

use crate::outline::{self, Item};

pub const MEDIA_TYPE: &str = "application/pdf";

static REGULAR: &[u8] = include_bytes!("../fonts/LiberationSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/LiberationSans-Bold.ttf");

const PAGE_WIDTH: f32 = 595.276;
const PAGE_HEIGHT: f32 = 841.89;
const LEFT: f32 = 62.0;
const RIGHT: f32 = PAGE_WIDTH - 62.0;
const TOP: f32 = PAGE_HEIGHT - 62.0;
const BOTTOM: f32 = 72.0;
const BODY_SIZE: f32 = 10.5;
const TABLE_SIZE: f32 = 8.5;
const BULLET_INDENT: f32 = 16.0;

/// Writes `report` as a PDF file to `out`.
pub fn write<W: Write>(report: &CompiledReport, out: W) -> io::Result<W> {
    let mut pdf = Typesetter::new(BufWriter::with_capacity(1 << 16, out))?;
    outline::walk(report, &mut |item| pdf.item(item))?;
    pdf.finish(report)?
        .into_inner()
        .map_err(io::IntoInnerError::into_error)
}

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    Regular = 0,
    Bold = 1,
}

/// One font: its glyphs as used so far, numbered as in the subset that will be embedded.
struct Font {
    data: &'static [u8],
    face: ttf_parser::Face<'static>,
    remapper: GlyphRemapper,
    /// Per character: the glyph in the subset and its advance in thousandths of an em.
    latin: [Option<(u16, f32)>; 256],
    other: HashMap<char, (u16, f32)>,
    /// Per glyph in the subset: its advance and the character it shows.
    widths: Vec<f32>,
    chars: Vec<char>,
}

impl Font {
    fn new(data: &'static [u8]) -> io::Result<Self> {
        let face = ttf_parser::Face::parse(data, 0).map_err(io::Error::other)?;
        let mut font = Font {
            data,
            face,
            remapper: GlyphRemapper::new(),
            latin: [None; 256],
            other: HashMap::new(),
            widths: Vec::new(),
            chars: Vec::new(),
        };
        // Glyph 0 (.notdef) stays glyph 0.
        font.remapper.remap(0);
        font.widths.push(0.0);
        font.chars.push('\u{FFFD}');
        Ok(font)
    }

    fn glyph(&mut self, c: char) -> (u16, f32) {
        let cached = match u8::try_from(u32::from(c)) {
            Ok(b) => self.latin[usize::from(b)],
            Err(_) => self.other.get(&c).copied(),
        };
        if let Some(glyph) = cached {
            return glyph;
        }
        let id = self.face.glyph_index(c).map_or(0, |g| g.0);
        let new = self.remapper.remap(id);
        let units = f32::from(self.face.units_per_em());
        let advance = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(id))
            .map_or(0.0, |a| f32::from(a) * 1000.0 / units);
        if usize::from(new) == self.widths.len() {
            self.widths.push(advance);
            self.chars.push(c);
        }
        let glyph = (new, advance);
        match u8::try_from(u32::from(c)) {
            Ok(b) => self.latin[usize::from(b)] = Some(glyph),
            Err(_) => {
                self.other.insert(c, glyph);
            }
        }
        glyph
    }

    fn width(&mut self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).1).sum::<f32>() * size / 1000.0
    }
}

/// A piece of a line in one font.
struct Span {
    weight: Weight,
    text: String,
}

/// A line of text to place: its spans, and how far it is indented.
struct Line {
    spans: Vec<Span>,
    indent: f32,
}

/// A heading for the bookmarks.
struct Bookmark {
    level: u8,
    title: String,
    page: Ref,
    y: f32,
}

/// Where a structure element's content is: a marked-content id on a page.
type Marked = (Ref, i32);

struct Page {
    id: Ref,
    content: Content,
    y: f32,
    /// The structure element each marked-content id belongs to, by id.
    parents: Vec<Ref>,
}

struct Typesetter<W: Write> {
    out: W,
    position: usize,
    offsets: Vec<usize>,
    fonts: [Font; 2],
    font_refs: [Ref; 2],
    catalog: Ref,
    page_tree: Ref,
    document: Ref,
    pages: Vec<Ref>,
    /// The page's structure-parent arrays, by page number.
    parent_arrays: Vec<Ref>,
    page: Page,
    bookmarks: Vec<Bookmark>,
    /// The structure tree's top-level elements, and the open grouping element (a list or a
    /// table) with its children.
    top: Vec<Ref>,
    group: Option<(Ref, StructRole, Vec<Ref>)>,
    table_widths: Vec<f32>,
    table_header: bool,
}

impl<W: Write> Typesetter<W> {
    fn new(mut out: W) -> io::Result<Self> {
        let header = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
        out.write_all(header)?;
        let mut next = 1;
        let mut alloc = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let catalog = alloc();
        let page_tree = alloc();
        let document = alloc();
        let font_refs = [alloc(), alloc()];
        let first_page = alloc();
        Ok(Typesetter {
            out,
            position: header.len(),
            offsets: vec![0; usize::try_from(next).unwrap_or(0)],
            fonts: [Font::new(REGULAR)?, Font::new(BOLD)?],
            font_refs,
            catalog,
            page_tree,
            document,
            pages: Vec::new(),
            parent_arrays: Vec::new(),
            page: Page {
                id: first_page,
                content: Content::with_settings(COMPACT),
                y: TOP,
                parents: Vec::new(),
            },
            bookmarks: Vec::new(),
            top: Vec::new(),
            group: None,
            table_widths: Vec::new(),
            table_header: false,
        })
    }

    fn alloc(&mut self) -> Ref {
        let id = i32::try_from(self.offsets.len()).unwrap_or(i32::MAX);
        self.offsets.push(0);
        Ref::new(id)
    }

    /// Writes the one object that `chunk` holds, remembering where it starts.
    fn put(&mut self, id: Ref, chunk: &Chunk) -> io::Result<()> {
        let index = usize::try_from(id.get()).unwrap_or(0);
        self.offsets[index] = self.position;
        self.out.write_all(chunk.as_bytes())?;
        self.position += chunk.len();
        Ok(())
    }

    fn item(&mut self, item: Item<'_>) -> io::Result<()> {
        match item {
            Item::Title { title, subtitle } => {
                self.block(StructRole::P, 24.0, 10.0, &[(Weight::Bold, title)], 0.0)?;
                for line in &subtitle {
                    self.block(StructRole::P, 13.0, 2.0, &[(Weight::Regular, line)], 0.0)?;
                }
            }
            Item::Contents => {}
            Item::Heading { level, text } => {
                let (role, size, before) = match level {
                    1 => (StructRole::H1, 17.0, 20.0),
                    2 => (StructRole::H2, 13.5, 12.0),
                    _ => (StructRole::H3, 11.5, 9.0),
                };
                // Keep a heading with the first lines after it.
                self.need(before + size * 1.3 + BODY_SIZE * 1.3 * 3.0)?;
                self.page.y -= before;
                self.bookmarks.push(Bookmark {
                    level,
                    title: text.to_string(),
                    page: self.page.id,
                    y: self.page.y + size,
                });
                self.block(role, size, 0.0, &[(Weight::Bold, &text)], 0.0)?;
            }
            Item::Text(text) => {
                for block in blocks(text) {
                    match block {
                        Block::Paragraph(lines) => self.paragraph(&lines)?,
                        Block::Bullets(items) => self.bullets(items.into_iter())?,
                    }
                }
            }
            Item::Note { label, text } => {
                let label = format!("{label}:");
                self.block(
                    StructRole::P,
                    BODY_SIZE,
                    6.0,
                    &[(Weight::Bold, &label), (Weight::Regular, &text)],
                    0.0,
                )?;
            }
            Item::Bullets(items) => self.bullets(items.iter().map(|i| i.as_ref()))?,
            Item::Table(header) => {
                let shares: f32 = header.iter().map(|(_, s)| f32::from(*s)).sum();
                self.table_widths = header
                    .iter()
                    .map(|(_, s)| (RIGHT - LEFT) * f32::from(*s) / shares.max(1.0))
                    .collect();
                self.open_group(StructRole::Table);
                self.table_header = true;
                let cells: Vec<&str> = header.iter().map(|(name, _)| name.as_ref()).collect();
                self.row(&cells)?;
                self.table_header = false;
            }
            Item::Row(cells) => {
                let cells: Vec<&str> = cells.iter().map(|c| c.as_ref()).collect();
                self.row(&cells)?;
            }
            Item::TableEnd => self.close_group()?,
        }
        Ok(())
    }

    fn paragraph(&mut self, lines: &[&str]) -> io::Result<()> {
        let id = self.alloc();
        let mut marked = Vec::new();
        self.page.y -= 5.0;
        for line in lines {
            let wrapped = self.wrap(&[(Weight::Regular, line)], BODY_SIZE, 0.0, RIGHT - LEFT);
            self.lines(id, &mut marked, &wrapped, BODY_SIZE, LEFT)?;
        }
        self.element(id, StructRole::P, self.parent(), &marked)?;
        self.attach(id);
        Ok(())
    }

    fn bullets<'a>(&mut self, items: impl Iterator<Item = &'a str>) -> io::Result<()> {
        self.page.y -= 3.0;
        self.open_group(StructRole::L);
        let list = self.parent();
        for item in items {
            let li = self.alloc();
            let body = self.alloc();
            let wrapped = self.wrap(
                &[(Weight::Regular, item)],
                BODY_SIZE,
                0.0,
                RIGHT - LEFT - BULLET_INDENT,
            );
            self.need(BODY_SIZE * 1.3)?;
            // The bullet is decoration: the list's structure says it is a list.
            let bullet_y = self.page.y - BODY_SIZE;
            self.page.content.begin_marked_content(Name(b"Artifact"));
            self.show(&[(Weight::Regular, "•")], BODY_SIZE, LEFT + 4.0, bullet_y);
            self.page.content.end_marked_content();
            let mut marked = Vec::new();
            self.lines(body, &mut marked, &wrapped, BODY_SIZE, LEFT + BULLET_INDENT)?;
            self.element(body, StructRole::LBody, li, &marked)?;
            let mut chunk = new_chunk();
            chunk
                .struct_element(li)
                .kind(StructRole::LI)
                .parent(list)
                .children()
                .struct_element(body);
            self.put(li, &chunk)?;
            self.attach(li);
        }
        self.close_group()
    }

    /// A table row: each cell wrapped in its column, the row kept on one page.
    fn row(&mut self, cells: &[&str]) -> io::Result<()> {
        let weight = if self.table_header {
            Weight::Bold
        } else {
            Weight::Regular
        };
        let widths = self.table_widths.clone();
        let wrapped: Vec<Vec<Line>> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| self.wrap(&[(weight, cell)], TABLE_SIZE, 0.0, width - 6.0))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f32 * TABLE_SIZE * 1.3;
        self.need(height + 4.0)?;
        let table = self.parent();
        let tr = self.alloc();
        let top = self.page.y - 2.0;
        let mut x = LEFT;
        let mut cell_ids = Vec::new();
        let role = if self.table_header {
            StructRole::TH
        } else {
            StructRole::TD
        };
        for (lines, width) in wrapped.iter().zip(&widths) {
            let cell = self.alloc();
            let mut marked = Vec::new();
            self.page.y = top;
            self.lines(cell, &mut marked, lines, TABLE_SIZE, x)?;
            self.element(cell, role, tr, &marked)?;
            cell_ids.push(cell);
            x += width;
        }
        self.page.y = top - height - 2.0;
        let mut chunk = new_chunk();
        let mut element = chunk.struct_element(tr);
        element.kind(StructRole::TR).parent(table);
        let mut kids = element.children();
        for kid in cell_ids {
            kids.struct_element(kid);
        }
        kids.finish();
        element.finish();
        self.put(tr, &chunk)?;
        self.attach(tr);
        Ok(())
    }

    /// A block of text in one structure element: the spans wrapped to the text's width.
    fn block(
        &mut self,
        role: StructRole,
        size: f32,
        before: f32,
        spans: &[(Weight, &str)],
        indent: f32,
    ) -> io::Result<()> {
        self.page.y -= before;
        let id = self.alloc();
        let wrapped = self.wrap(spans, size, indent, RIGHT - LEFT - indent);
        let mut marked = Vec::new();
        self.lines(id, &mut marked, &wrapped, size, LEFT)?;
        self.element(id, role, self.parent(), &marked)?;
        self.attach(id);
        Ok(())
    }

    /// Places lines from the current position, breaking pages as needed, each page's part
    /// marked as content of structure element `id`.
    fn lines(
        &mut self,
        id: Ref,
        marked: &mut Vec<Marked>,
        lines: &[Line],
        size: f32,
        x: f32,
    ) -> io::Result<()> {
        let leading = size * 1.3;
        let mut open = false;
        for line in lines {
            if self.page.y - leading < BOTTOM {
                if open {
                    self.page.content.end_marked_content();
                    open = false;
                }
                self.new_page()?;
            }
            if !open {
                let mcid = i32::try_from(self.page.parents.len()).unwrap_or(i32::MAX);
                self.page.parents.push(id);
                marked.push((self.page.id, mcid));
                self.page
                    .content
                    .begin_marked_content_with_properties(Name(b"Span"))
                    .properties()
                    .identify(mcid);
                open = true;
            }
            self.page.y -= leading;
            let spans: Vec<(Weight, &str)> = line
                .spans
                .iter()
                .map(|s| (s.weight, s.text.as_str()))
                .collect();
            self.show(
                &spans,
                size,
                x + line.indent,
                self.page.y + (leading - size),
            );
        }
        if open {
            self.page.content.end_marked_content();
        }
        Ok(())
    }

    fn show(&mut self, spans: &[(Weight, &str)], size: f32, x: f32, y: f32) {
        let mut x = x;
        let mut glyphs = Vec::new();
        for (weight, text) in spans {
            let font = &mut self.fonts[*weight as usize];
            glyphs.clear();
            let mut width = 0.0;
            for c in text.chars() {
                let (glyph, advance) = font.glyph(c);
                glyphs.extend_from_slice(&glyph.to_be_bytes());
                width += advance;
            }
            let name = if *weight == Weight::Bold {
                Name(b"F2")
            } else {
                Name(b"F1")
            };
            let content = &mut self.page.content;
            content.begin_text();
            content.set_font(name, size);
            content.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
            content.show(Str(&glyphs));
            content.end_text();
            x += width * size / 1000.0;
        }
    }

    /// Greedy line breaking: words (split at spaces) fill a line of `width` points; a word
    /// longer than a line is cut where it must be. The first line starts `indent` in.
    fn wrap(&mut self, spans: &[(Weight, &str)], size: f32, indent: f32, width: f32) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut line: Vec<Span> = Vec::new();
        let mut used = indent;
        for (weight, text) in spans {
            let space = self.fonts[*weight as usize].width(" ", size);
            for word in text.split_whitespace() {
                let mut word = word;
                loop {
                    let w = self.fonts[*weight as usize].width(word, size);
                    let gap = if line.is_empty() { 0.0 } else { space };
                    if used + gap + w <= width {
                        push_word(&mut line, *weight, word, gap > 0.0);
                        used += gap + w;
                        break;
                    }
                    if !line.is_empty() {
                        lines.push(Line {
                            spans: std::mem::take(&mut line),
                            indent: if lines.is_empty() { indent } else { 0.0 },
                        });
                        used = 0.0;
                        continue;
                    }
                    // Alone on its line and still too long: cut it.
                    let cut = self.fits(*weight, word, size, width - used).max(1);
                    let at = word.char_indices().nth(cut).map_or(word.len(), |(i, _)| i);
                    push_word(&mut line, *weight, &word[..at], false);
                    word = &word[at..];
                    if word.is_empty() {
                        break;
                    }
                    used = width;
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(Line {
                spans: line,
                indent: if lines.is_empty() { indent } else { 0.0 },
            });
        }
        lines
    }

    /// How many characters of `word` fit in `width`.
    fn fits(&mut self, weight: Weight, word: &str, size: f32, width: f32) -> usize {
        let font = &mut self.fonts[weight as usize];
        let mut used = 0.0;
        word.chars()
            .take_while(|&c| {
                used += font.glyph(c).1 * size / 1000.0;
                used <= width
            })
            .count()
    }

    /// Starts a new page if less than `height` is left on this one.
    fn need(&mut self, height: f32) -> io::Result<()> {
        if self.page.y - height < BOTTOM && self.page.y < TOP {
            self.new_page()?;
        }
        Ok(())
    }

    fn new_page(&mut self) -> io::Result<()> {
        self.end_page()?;
        let id = self.alloc();
        self.page = Page {
            id,
            content: Content::with_settings(COMPACT),
            y: TOP,
            parents: Vec::new(),
        };
        Ok(())
    }

    /// Writes the page: its number in the footer, its content, and the structure parents
    /// of its marked content.
    fn end_page(&mut self) -> io::Result<()> {
        let number = format!("Sida {}", self.pages.len() + 1);
        let width = self.fonts[0].width(&number, 9.0);
        self.page.content.begin_marked_content(Name(b"Artifact"));
        self.show(
            &[(Weight::Regular, &number)],
            9.0,
            (PAGE_WIDTH - width) / 2.0,
            36.0,
        );
        self.page.content.end_marked_content();

        let page = std::mem::replace(
            &mut self.page,
            Page {
                id: Ref::new(1),
                content: Content::with_settings(COMPACT),
                y: TOP,
                parents: Vec::new(),
            },
        );
        let raw = page.content.finish();
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(&raw)?;
        let compressed = encoder.finish()?;
        let content = self.alloc();
        let mut chunk = new_chunk();
        chunk
            .stream(content, &compressed)
            .filter(Filter::FlateDecode);
        self.put(content, &chunk)?;

        let parents = self.alloc();
        let mut chunk = new_chunk();
        chunk.indirect(parents).array().items(page.parents);
        self.put(parents, &chunk)?;

        let key = i32::try_from(self.pages.len()).unwrap_or(i32::MAX);
        let mut chunk = new_chunk();
        let mut p = chunk.page(page.id);
        p.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(self.page_tree)
            .contents(content)
            .struct_parents(key)
            .tab_order(TabOrder::StructureOrder);
        p.resources()
            .fonts()
            .pair(Name(b"F1"), self.font_refs[0])
            .pair(Name(b"F2"), self.font_refs[1]);
        p.finish();
        self.put(page.id, &chunk)?;
        self.pages.push(page.id);
        self.parent_arrays.push(parents);
        Ok(())
    }

    /// The structure element new blocks belong to.
    fn parent(&self) -> Ref {
        self.group.as_ref().map_or(self.document, |(id, _, _)| *id)
    }

    /// Makes `id` a child of the open group, or of the document.
    fn attach(&mut self, id: Ref) {
        match &mut self.group {
            Some((_, _, children)) => children.push(id),
            None => self.top.push(id),
        }
    }

    fn open_group(&mut self, role: StructRole) {
        let id = self.alloc();
        self.group = Some((id, role, Vec::new()));
    }

    fn close_group(&mut self) -> io::Result<()> {
        if let Some((id, role, children)) = self.group.take() {
            let mut chunk = new_chunk();
            let mut element = chunk.struct_element(id);
            element.kind(role).parent(self.document);
            let mut kids = element.children();
            for kid in children {
                kids.struct_element(kid);
            }
            kids.finish();
            element.finish();
            self.put(id, &chunk)?;
            self.top.push(id);
        }
        Ok(())
    }

    /// A structure element whose content is marked on the pages.
    fn element(
        &mut self,
        id: Ref,
        role: StructRole,
        parent: Ref,
        marked: &[Marked],
    ) -> io::Result<()> {
        let mut chunk = new_chunk();
        let mut element = chunk.struct_element(id);
        element.kind(role).parent(parent);
        if let Some((page, _)) = marked.first() {
            element.page(*page);
        }
        let mut children = element.children();
        for (page, mcid) in marked {
            children
                .marked_content_ref()
                .page(*page)
                .marked_content_id(*mcid);
        }
        children.finish();
        element.finish();
        self.put(id, &chunk)
    }

    fn finish(mut self, report: &CompiledReport) -> io::Result<W> {
        self.end_page()?;
        self.close_group()?;
        let mut chunk = new_chunk();
        chunk
            .pages(self.page_tree)
            .kids(self.pages.iter().copied())
            .count(i32::try_from(self.pages.len()).unwrap_or(i32::MAX));
        let page_tree = self.page_tree;
        self.put(page_tree, &chunk)?;

        let document = self.document;
        let catalog = self.catalog;
        let tree_root = self.alloc();
        let mut chunk = new_chunk();
        let mut element = chunk.struct_element(document);
        element.kind(StructRole::Document).parent(tree_root);
        let mut kids = element.children();
        for kid in self.top.iter().copied() {
            kids.struct_element(kid);
        }
        kids.finish();
        element.finish();
        self.put(document, &chunk)?;

        let mut chunk = new_chunk();
        {
            let mut root = chunk.indirect(tree_root).dict();
            root.pair(Name(b"Type"), Name(b"StructTreeRoot"));
            root.pair(Name(b"K"), document);
            let mut tree = root.insert(Name(b"ParentTree")).dict();
            let mut nums = tree.insert(Name(b"Nums")).array();
            for (key, array) in self.parent_arrays.iter().enumerate() {
                nums.item(i32::try_from(key).unwrap_or(i32::MAX));
                nums.item(*array);
            }
            nums.finish();
            tree.finish();
            root.pair(
                Name(b"ParentTreeNextKey"),
                i32::try_from(self.parent_arrays.len()).unwrap_or(i32::MAX),
            );
        }
        self.put(tree_root, &chunk)?;

        let outline = self.write_outline()?;
        self.write_fonts()?;

        let info = self.alloc();
        let mut chunk = new_chunk();
        let title = format!("{} – {}", report.title, report.round);
        let created = report.created.to_zoned_datetime(jiff::tz::TimeZone::UTC);
        let date = pdf_writer::Date::new(u16::try_from(created.year()).unwrap_or(2000))
            .month(u8::try_from(created.month()).unwrap_or(1))
            .day(u8::try_from(created.day()).unwrap_or(1))
            .hour(u8::try_from(created.hour()).unwrap_or(0))
            .minute(u8::try_from(created.minute()).unwrap_or(0))
            .second(u8::try_from(created.second()).unwrap_or(0))
            .utc_offset_hour(0)
            .utc_offset_minute(0);
        chunk
            .indirect(info)
            .start::<DocumentInfo>()
            .title(TextStr(&title))
            .author(TextStr(&report.organisation))
            .subject(TextStr(&report.follow_up))
            .creator(TextStr("Tertial"))
            .creation_date(date);
        self.put(info, &chunk)?;

        let mut chunk = new_chunk();
        let mut cat = chunk.indirect(catalog).start::<Catalog>();
        cat.pages(page_tree);
        cat.pair(Name(b"StructTreeRoot"), tree_root);
        cat.mark_info().marked(true);
        cat.lang(TextStr("sv-SE"));
        cat.viewer_preferences().display_doc_title(true);
        if let Some(outline) = outline {
            cat.outlines(outline);
            cat.pair(Name(b"PageMode"), Name(b"UseOutlines"));
        }
        cat.finish();
        self.put(catalog, &chunk)?;

        let xref = self.position;
        let count = self.offsets.len();
        write!(self.out, "xref\n0 {count}\n0000000000 65535 f\r\n")?;
        for offset in &self.offsets[1..] {
            write!(self.out, "{offset:010} 00000 n\r\n")?;
        }
        write!(
            self.out,
            "trailer\n<< /Size {count} /Root {} 0 R /Info {} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            catalog.get(),
            info.get()
        )?;
        Ok(self.out)
    }

    /// The bookmarks: one item per heading, nested by level, top level open.
    fn write_outline(&mut self) -> io::Result<Option<Ref>> {
        let bookmarks = std::mem::take(&mut self.bookmarks);
        if bookmarks.is_empty() {
            return Ok(None);
        }
        let root = self.alloc();
        let ids: Vec<Ref> = (0..bookmarks.len()).map(|_| self.alloc()).collect();
        let mut parent: Vec<Option<usize>> = Vec::with_capacity(ids.len());
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); ids.len()];
        let mut top = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        for (i, mark) in bookmarks.iter().enumerate() {
            while stack
                .last()
                .is_some_and(|&s| bookmarks[s].level >= mark.level)
            {
                stack.pop();
            }
            let p = stack.last().copied();
            parent.push(p);
            match p {
                Some(p) => children[p].push(i),
                None => top.push(i),
            }
            stack.push(i);
        }
        let siblings = |i: usize| -> &Vec<usize> {
            match parent[i] {
                Some(p) => &children[p],
                None => &top,
            }
        };
        let mut open_count = top.len();
        for (i, mark) in bookmarks.iter().enumerate() {
            let list = siblings(i);
            let at = list.iter().position(|&s| s == i).unwrap_or(0);
            let mut chunk = new_chunk();
            let mut item = chunk.outline_item(ids[i]);
            item.title(TextStr(&mark.title))
                .parent(parent[i].map_or(root, |p| ids[p]));
            if at > 0 {
                item.prev(ids[list[at - 1]]);
            }
            if let Some(&next) = list.get(at + 1) {
                item.next(ids[next]);
            }
            if let (Some(&first), Some(&last)) = (children[i].first(), children[i].last()) {
                item.first(ids[first]).last(ids[last]);
                let n = i32::try_from(children[i].len()).unwrap_or(i32::MAX);
                if parent[i].is_none() {
                    item.count(n);
                    open_count += children[i].len();
                } else {
                    item.count(-n);
                }
            }
            item.dest().page(mark.page).xyz(LEFT, mark.y, None);
            item.finish();
            self.put(ids[i], &chunk)?;
        }
        let mut chunk = new_chunk();
        let mut outline = chunk.outline(root);
        if let (Some(&first), Some(&last)) = (top.first(), top.last()) {
            outline.first(ids[first]).last(ids[last]);
        }
        outline.count(i32::try_from(open_count).unwrap_or(i32::MAX));
        outline.finish();
        self.put(root, &chunk)?;
        Ok(Some(root))
    }

    /// Each font as a subset of the glyphs used, with its widths and a ToUnicode map.
    fn write_fonts(&mut self) -> io::Result<()> {
        for (index, base) in [(0, "LiberationSans"), (1, "LiberationSans-Bold")] {
            let cid = self.alloc();
            let descriptor = self.alloc();
            let file = self.alloc();
            let to_unicode = self.alloc();
            let font = &self.fonts[index];
            // A subset's name is tagged with six capital letters.
            let name = format!("{}+{base}", ["TRTLRA", "TRTLRB"][index]);
            let subset = subsetter::subset(font.data, 0, &font.remapper)
                .map_err(|e| io::Error::other(format!("font subset: {e:?}")))?;
            let units = f32::from(font.face.units_per_em());
            let scale = |v: i16| f32::from(v) * 1000.0 / units;
            let bbox = font.face.global_bounding_box();
            let system = SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"Identity"),
                supplement: 0,
            };
            let mut cmap = UnicodeCmap::new(Name(b"Custom"), system);
            for (glyph, c) in font.chars.iter().enumerate().skip(1) {
                cmap.pair(u16::try_from(glyph).unwrap_or(0), *c);
            }
            let cmap = cmap.finish();
            let widths = font.widths.clone();
            let ascent = scale(font.face.ascender());
            let descent = scale(font.face.descender());
            let cap_height = font.face.capital_height().map_or(ascent, scale);

            let mut chunk = new_chunk();
            chunk
                .type0_font(self.font_refs[index])
                .base_font(Name(name.as_bytes()))
                .encoding_predefined(Name(b"Identity-H"))
                .descendant_font(cid)
                .to_unicode(to_unicode);
            self.put(self.font_refs[index], &chunk)?;

            let mut chunk = new_chunk();
            let mut cid_font = chunk.cid_font(cid);
            cid_font
                .subtype(CidFontType::Type2)
                .base_font(Name(name.as_bytes()))
                .system_info(system)
                .font_descriptor(descriptor)
                .cid_to_gid_map_predefined(Name(b"Identity"));
            cid_font.widths().consecutive(0, widths);
            cid_font.finish();
            self.put(cid, &chunk)?;

            let mut chunk = new_chunk();
            chunk
                .font_descriptor(descriptor)
                .name(Name(name.as_bytes()))
                .flags(FontFlags::NON_SYMBOLIC)
                .bbox(Rect::new(
                    scale(bbox.x_min),
                    scale(bbox.y_min),
                    scale(bbox.x_max),
                    scale(bbox.y_max),
                ))
                .italic_angle(0.0)
                .ascent(ascent)
                .descent(descent)
                .cap_height(cap_height)
                .stem_v(if index == 1 { 140.0 } else { 80.0 })
                .font_file2(file);
            self.put(descriptor, &chunk)?;

            let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
            encoder.write_all(&subset)?;
            let compressed = encoder.finish()?;
            let mut chunk = new_chunk();
            chunk
                .stream(file, &compressed)
                .filter(Filter::FlateDecode)
                .pair(
                    Name(b"Length1"),
                    i32::try_from(subset.len()).unwrap_or(i32::MAX),
                );
            self.put(file, &chunk)?;

            let mut chunk = new_chunk();
            chunk.cmap(to_unicode, &cmap);
            self.put(to_unicode, &chunk)?;
        }
        Ok(())
    }
}

/// Objects written without the indentation meant for people reading the file.
const COMPACT: Settings = Settings { pretty: false };

fn new_chunk() -> Chunk {
    Chunk::with_settings(COMPACT)
}

fn push_word(line: &mut Vec<Span>, weight: Weight, word: &str, space: bool) {
    match line.last_mut() {
        Some(last) if last.weight == weight => {
            if space {
                last.text.push(' ');
            }
            last.text.push_str(word);
        }
        _ => line.push(Span {
            weight,
            text: if space {
                format!(" {word}")
            } else {
                word.to_owned()
            },
        }),
    }
}
