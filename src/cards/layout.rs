//! Laying out the cards and writing the PDF.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use std::collections::BTreeMap;
use subsetter::GlyphRemapper;

use super::font::CardFont;

/// What one card shows.
pub struct Card {
    /// For example 二年级2班.
    pub class_label: String,
    pub pseudonym: String,
    pub class_code: String,
    pub pin: String,
    /// The badge token, printed as a QR code.
    pub badge_token: String,
}

const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 28.0;
const COLUMNS: usize = 2;
const ROWS: usize = 4;
pub const CARDS_PER_PAGE: usize = COLUMNS * ROWS;

const CJK: Name = Name(b"F1");
const MONO: Name = Name(b"F2");

/// Writes the cards as a PDF, eight to an A4 page.
pub fn render(cards: &[Card], font: &CardFont, title: &str) -> anyhow::Result<Vec<u8>> {
    let face = ttf_parser::Face::parse(&font.data, 0)?;
    let mut glyphs = GlyphSet::new(&face);
    let card_width = (PAGE.0 - 2.0 * MARGIN) / COLUMNS as f32;
    let card_height = (PAGE.1 - 2.0 * MARGIN) / ROWS as f32;
    let mut contents = Vec::new();
    for page in cards.chunks(CARDS_PER_PAGE) {
        let mut content = Content::new();
        for (slot, card) in page.iter().enumerate() {
            let x = MARGIN + (slot % COLUMNS) as f32 * card_width;
            let y = PAGE.1 - MARGIN - (slot / COLUMNS + 1) as f32 * card_height;
            draw_card(
                &mut content,
                &mut glyphs,
                card,
                title,
                x,
                y,
                card_width,
                card_height,
            )?;
        }
        contents.push(content.finish());
    }

    let mut refs = (1..).map(Ref::new);
    let mut next = || refs.next().unwrap_or(Ref::new(1));
    let (catalog, tree, cjk, cid, descriptor, font_file, to_unicode, mono) = (
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
        next(),
    );
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    let mut page_ids = Vec::new();
    for content in &contents {
        let (page_id, content_id) = (next(), next());
        page_ids.push(page_id);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1))
            .parent(tree)
            .contents(content_id);
        let mut resources = page.resources();
        resources.fonts().pair(CJK, cjk).pair(MONO, mono);
        resources.finish();
        page.finish();
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(content, 6);
        pdf.stream(content_id, &compressed)
            .filter(Filter::FlateDecode);
    }
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);

    let subset = subsetter::subset(&font.data, 0, &glyphs.remapper)?;
    let units = f32::from(face.units_per_em());
    let scale = |value: i16| f32::from(value) * 1000.0 / units;
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    let base = Name(b"TSCARD+CJK");
    pdf.type0_font(cjk)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(to_unicode);
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(base)
        .system_info(system)
        .font_descriptor(descriptor);
    cid_font.cid_to_gid_map_predefined(Name(b"Identity"));
    let mut widths = cid_font.widths();
    for (new_gid, width) in &glyphs.widths {
        widths.consecutive(*new_gid, [*width]);
    }
    widths.finish();
    cid_font.finish();
    let bbox = face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(base)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(scale(face.ascender()))
        .descent(scale(face.descender()))
        .cap_height(scale(face.capital_height().unwrap_or(face.ascender())))
        .stem_v(80.0)
        .font_file2(font_file);
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&subset, 6);
    pdf.stream(font_file, &compressed)
        .filter(Filter::FlateDecode);
    let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), system);
    for (new_gid, character) in &glyphs.characters {
        cmap.pair(*new_gid, *character);
    }
    pdf.cmap(to_unicode, &cmap.finish());
    pdf.type1_font(mono).base_font(Name(b"Courier-Bold"));
    Ok(pdf.finish())
}

#[allow(clippy::too_many_arguments)]
fn draw_card(
    content: &mut Content,
    glyphs: &mut GlyphSet,
    card: &Card,
    title: &str,
    x: f32,
    y: f32,
    width: f32,
    height: f32,
) -> anyhow::Result<()> {
    let inset = 8.0;
    content
        .set_line_width(0.6)
        .rect(
            x + inset / 2.0,
            y + inset / 2.0,
            width - inset,
            height - inset,
        )
        .stroke();
    let left = x + 18.0;
    let top = y + height - 34.0;
    text(content, glyphs, left, top, 12.0, title)?;
    text(content, glyphs, left, top - 20.0, 11.0, &card.class_label)?;
    text(content, glyphs, left, top - 48.0, 18.0, &card.pseudonym)?;
    text(content, glyphs, left, top - 80.0, 10.0, "班级码")?;
    text(
        content,
        glyphs,
        left + 44.0,
        top - 80.0,
        16.0,
        &card.class_code,
    )?;
    text(content, glyphs, left, top - 104.0, 10.0, "密码")?;
    text(content, glyphs, left + 44.0, top - 104.0, 16.0, &card.pin)?;
    text(
        content,
        glyphs,
        left,
        y + 18.0,
        8.0,
        "请保管好这张卡，不要告诉别人密码。",
    )?;
    draw_qr(
        content,
        &card.badge_token,
        x + width - 118.0,
        y + height - 132.0,
        100.0,
    )
}

/// Draws a QR code as filled squares, `size` points wide, lower-left corner at (x, y).
fn draw_qr(content: &mut Content, data: &str, x: f32, y: f32, size: f32) -> anyhow::Result<()> {
    let code = qrcode::QrCode::new(data.as_bytes())?;
    let modules = code.width();
    let colors = code.to_colors();
    let step = size / modules as f32;
    content.set_fill_gray(0.0);
    for (index, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (column, row) = (index % modules, index / modules);
            content.rect(
                x + column as f32 * step,
                y + size - (row + 1) as f32 * step,
                step,
                step,
            );
        }
    }
    content.fill_nonzero();
    Ok(())
}

/// Sets a line of text: runs of ASCII in Courier, everything else in the CJK font.
fn text(
    content: &mut Content,
    glyphs: &mut GlyphSet,
    x: f32,
    y: f32,
    size: f32,
    line: &str,
) -> anyhow::Result<()> {
    let mut cursor = x;
    let mut runs: Vec<(bool, String)> = Vec::new();
    for character in line.chars() {
        let ascii = character.is_ascii();
        match runs.last_mut() {
            Some((run_ascii, run)) if *run_ascii == ascii => run.push(character),
            _ => runs.push((ascii, character.to_string())),
        }
    }
    for (ascii, run) in runs {
        content.begin_text();
        if ascii {
            content
                .set_font(MONO, size)
                .next_line(cursor, y)
                .show(Str(run.as_bytes()));
            cursor += 0.6 * size * run.len() as f32;
        } else {
            let start = cursor;
            let mut encoded = Vec::with_capacity(run.len() * 2);
            for character in run.chars() {
                let (gid, advance) = glyphs.add(character);
                encoded.extend_from_slice(&gid.to_be_bytes());
                cursor += advance * size / 1000.0;
            }
            content
                .set_font(CJK, size)
                .next_line(start, y)
                .show(Str(&encoded));
        }
        content.end_text();
    }
    Ok(())
}

/// The glyphs a document uses: old ids remapped to the subset's, with widths and characters.
struct GlyphSet<'a> {
    face: &'a ttf_parser::Face<'a>,
    remapper: GlyphRemapper,
    widths: BTreeMap<u16, f32>,
    characters: BTreeMap<u16, char>,
}

impl<'a> GlyphSet<'a> {
    fn new(face: &'a ttf_parser::Face<'a>) -> Self {
        GlyphSet {
            face,
            remapper: GlyphRemapper::new(),
            widths: BTreeMap::new(),
            characters: BTreeMap::new(),
        }
    }

    /// The subset glyph id for a character (the missing-glyph box when the font lacks it) and
    /// its advance in thousandths of an em.
    fn add(&mut self, character: char) -> (u16, f32) {
        let old = self
            .face
            .glyph_index(character)
            .unwrap_or(ttf_parser::GlyphId(0));
        let new = self.remapper.remap(old.0);
        let units = f32::from(self.face.units_per_em());
        let advance = f32::from(self.face.glyph_hor_advance(old).unwrap_or(0)) * 1000.0 / units;
        self.widths.insert(new, advance);
        self.characters.entry(new).or_insert(character);
        (new, advance)
    }
}
