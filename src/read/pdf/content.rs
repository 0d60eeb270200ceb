//! A page's content stream, interpreted as far as reading a form needs: where each character
//! is drawn (the text state and matrices of ISO 32000-1 §9.4), which straight lines and thin
//! rectangles are painted (a table's ruling lines), and whether images are drawn. Colours,
//! clipping, curves and glyph outlines are not needed and not followed.
//!
//! Everything is bounded: operations per document, nesting of form XObjects, characters and
//! lines per page — so a hostile file costs bounded time and memory.

use crate::read::pdf::font::{Font, deref, number};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;
use std::rc::Rc;

/// Most content operations interpreted per document.
pub const MAX_OPERATIONS: usize = 20_000_000;
/// Most characters and ruling lines kept per page.
const MAX_GLYPHS_PER_PAGE: usize = 500_000;
const MAX_SEGMENTS_PER_PAGE: usize = 200_000;
/// Deepest nesting of form XObjects (and of `q` saves).
const MAX_FORM_DEPTH: usize = 12;
const MAX_SAVED_STATES: usize = 1_000;
/// Most bytes one content stream may decompress to.
pub const MAX_CONTENT_BYTES: usize = 64 << 20;
/// Most bytes all content streams of a document may decompress to together (a stream drawn
/// on every page, or a form drawn many times, is unpacked each time).
pub const MAX_DOCUMENT_CONTENT_BYTES: usize = 512 << 20;
/// A painted rectangle at most this thin (in points) is a ruling line.
const RULE_THICKNESS: f32 = 3.0;

/// A character drawn on a page, in page coordinates (points, y up).
#[derive(Debug, Clone)]
pub struct Glyph {
    /// Left end of the glyph's advance, and its baseline.
    pub x: f32,
    pub y: f32,
    /// The advance: where the next glyph would start.
    pub width: f32,
    /// The font size as drawn (text and page scaling applied).
    pub size: f32,
    pub text: char,
}

/// A straight horizontal or vertical line painted on a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub horizontal: bool,
    /// The y of a horizontal line, the x of a vertical one.
    pub at: f32,
    pub from: f32,
    pub to: f32,
}

/// What a page shows.
#[derive(Debug, Default)]
pub struct PageContent {
    pub glyphs: Vec<Glyph>,
    pub segments: Vec<Segment>,
    /// Images drawn (a scan is a page of images and no text).
    pub images: usize,
    /// Characters no font map could decode (shown as U+FFFD).
    pub undecoded: usize,
    /// Characters or lines beyond the per-page limits.
    pub dropped: usize,
    /// Content streams that could not be unpacked (too large, or broken).
    pub unread_streams: usize,
}

/// Why interpretation stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The document's operation budget is spent.
    Operations,
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn multiply(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

#[derive(Clone)]
struct State<'a> {
    ctm: Matrix,
    font: Option<Rc<Font<'a>>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    horizontal_scale: f32,
    leading: f32,
    rise: f32,
}

impl Default for State<'_> {
    fn default() -> Self {
        State {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            horizontal_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// Interprets the content of the pages of one document, sharing its fonts and its budget.
pub struct Interpreter<'a> {
    doc: &'a Document,
    fonts: HashMap<ObjectId, Rc<Font<'a>>>,
    /// Operations still allowed; every character shown counts as one too.
    pub operations_left: usize,
    /// Bytes of content still allowed to be unpacked.
    bytes_left: usize,
}

struct Run<'a, 'p> {
    page: &'p mut PageContent,
    state: State<'a>,
    saved: Vec<State<'a>>,
    text_matrix: Matrix,
    line_matrix: Matrix,
    /// The path being built: subpaths of points, and whether each subpath was closed by `re`/`h`.
    path: Vec<(Vec<(f32, f32)>, bool)>,
    /// Characters shown since the operation began (counted against the operation budget).
    shown: usize,
}

impl<'a> Interpreter<'a> {
    pub fn new(doc: &'a Document) -> Interpreter<'a> {
        Interpreter {
            doc,
            fonts: HashMap::new(),
            operations_left: MAX_OPERATIONS,
            bytes_left: MAX_DOCUMENT_CONTENT_BYTES,
        }
    }

    /// What page `page_id` shows.
    pub fn page(&mut self, page_id: ObjectId) -> Result<PageContent, Stop> {
        let mut content = PageContent::default();
        let resources = page_resources(self.doc, page_id);
        let bytes = match self
            .doc
            .get_page_content_with_limit(page_id, MAX_CONTENT_BYTES)
        {
            Ok(bytes) => bytes,
            Err(_) => {
                content.unread_streams += 1;
                Vec::new()
            }
        };
        self.spend_bytes(bytes.len())?;
        let mut run = Run {
            page: &mut content,
            state: State::default(),
            saved: Vec::new(),
            text_matrix: IDENTITY,
            line_matrix: IDENTITY,
            path: Vec::new(),
            shown: 0,
        };
        self.stream(&bytes, &resources, &mut run, 0)?;
        Ok(content)
    }

    fn stream(
        &mut self,
        bytes: &[u8],
        resources: &[&'a Dictionary],
        run: &mut Run<'a, '_>,
        depth: usize,
    ) -> Result<(), Stop> {
        for op in Content::decode_iter(bytes) {
            let Ok(op) = op else {
                // A damaged operation: what came before it is kept, the rest of the stream
                // cannot be read reliably.
                break;
            };
            if self.operations_left == 0 {
                return Err(Stop::Operations);
            }
            self.operations_left -= 1;
            self.operation(&op.operator, &op.operands, resources, run, depth)?;
            // Characters shown by the operation.
            self.operations_left = self.operations_left.saturating_sub(run.shown);
            run.shown = 0;
        }
        Ok(())
    }

    fn operation(
        &mut self,
        operator: &str,
        operands: &[Object],
        resources: &[&'a Dictionary],
        run: &mut Run<'a, '_>,
        depth: usize,
    ) -> Result<(), Stop> {
        let num = |k: usize| operands.get(k).and_then(number).unwrap_or(0.0);
        match operator {
            "q" if run.saved.len() < MAX_SAVED_STATES => run.saved.push(run.state.clone()),
            "Q" => {
                if let Some(state) = run.saved.pop() {
                    run.state = state;
                }
            }
            "cm" => {
                let m = [num(0), num(1), num(2), num(3), num(4), num(5)];
                if m.iter().all(|v| v.is_finite()) {
                    run.state.ctm = multiply(&m, &run.state.ctm);
                }
            }
            "BT" => {
                run.text_matrix = IDENTITY;
                run.line_matrix = IDENTITY;
            }
            "Tf" => {
                run.state.size = num(1);
                run.state.font = operands
                    .first()
                    .and_then(|n| n.as_name().ok())
                    .and_then(|n| self.font(resources, n));
            }
            "Tc" => run.state.char_spacing = num(0),
            "Tw" => run.state.word_spacing = num(0),
            "Tz" => run.state.horizontal_scale = num(0) / 100.0,
            "TL" => run.state.leading = num(0),
            "Ts" => run.state.rise = num(0),
            "Td" => run.next_line(num(0), num(1)),
            "TD" => {
                run.state.leading = -num(1);
                run.next_line(num(0), num(1));
            }
            "Tm" => {
                let m = [num(0), num(1), num(2), num(3), num(4), num(5)];
                if m.iter().all(|v| v.is_finite()) {
                    run.text_matrix = m;
                    run.line_matrix = m;
                }
            }
            "T*" => {
                let leading = run.state.leading;
                run.next_line(0.0, -leading);
            }
            "Tj" => {
                if let Some(bytes) = operands.first().and_then(|o| o.as_str().ok()) {
                    run.show(bytes);
                }
            }
            "'" => {
                let leading = run.state.leading;
                run.next_line(0.0, -leading);
                if let Some(bytes) = operands.first().and_then(|o| o.as_str().ok()) {
                    run.show(bytes);
                }
            }
            "\"" => {
                run.state.word_spacing = num(0);
                run.state.char_spacing = num(1);
                let leading = run.state.leading;
                run.next_line(0.0, -leading);
                if let Some(bytes) = operands.get(2).and_then(|o| o.as_str().ok()) {
                    run.show(bytes);
                }
            }
            "TJ" => {
                if let Some(Object::Array(items)) = operands.first() {
                    for item in items {
                        match item {
                            Object::String(bytes, _) => run.show(bytes),
                            other => {
                                if let Some(adjust) = number(other) {
                                    run.adjust(adjust);
                                }
                            }
                        }
                    }
                }
            }
            "m" => run.path.push((vec![(num(0), num(1))], false)),
            "l" => match run.path.last_mut() {
                Some((points, _)) => points.push((num(0), num(1))),
                None => run.path.push((vec![(num(0), num(1))], false)),
            },
            // Curves are never ruling lines: they break the straight run they are part of.
            "c" | "v" | "y" => {
                let (x, y) = match operator {
                    "y" | "c" => (
                        num(operands.len().saturating_sub(2)),
                        num(operands.len().saturating_sub(1)),
                    ),
                    _ => (num(2), num(3)),
                };
                run.path.push((vec![(x, y)], false));
            }
            "h" => {
                if let Some((points, closed)) = run.path.last_mut() {
                    *closed = true;
                    if let Some(first) = points.first().copied() {
                        points.push(first);
                    }
                }
            }
            "re" => {
                let (x, y, w, h) = (num(0), num(1), num(2), num(3));
                run.path.push((
                    vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)],
                    true,
                ));
            }
            "S" | "s" => run.paint(true, false),
            "f" | "F" | "f*" => run.paint(false, true),
            "B" | "B*" | "b" | "b*" => run.paint(true, true),
            "n" => run.path.clear(),
            "BI" | "ID" => run.page.images += 1,
            "Do" => {
                let Some(name) = operands.first().and_then(|n| n.as_name().ok()) else {
                    return Ok(());
                };
                let Some(xobject) =
                    lookup(self.doc, resources, b"XObject", name).and_then(|o| o.as_stream().ok())
                else {
                    return Ok(());
                };
                let subtype = xobject
                    .dict
                    .get(b"Subtype")
                    .and_then(Object::as_name)
                    .unwrap_or_default();
                if subtype == b"Image" {
                    run.page.images += 1;
                } else if subtype == b"Form" && depth < MAX_FORM_DEPTH {
                    let bytes = if xobject.dict.has(b"Filter") {
                        match xobject.decompressed_content_with_limit(MAX_CONTENT_BYTES) {
                            Ok(bytes) => bytes,
                            Err(_) => {
                                run.page.unread_streams += 1;
                                return Ok(());
                            }
                        }
                    } else {
                        xobject.content.clone()
                    };
                    self.spend_bytes(bytes.len())?;
                    let mut inner: Vec<&'a Dictionary> = Vec::with_capacity(resources.len() + 1);
                    if let Some(own) = deref(self.doc, xobject.dict.get(b"Resources").ok())
                        .and_then(|o| o.as_dict().ok())
                    {
                        inner.push(own);
                    }
                    inner.extend_from_slice(resources);
                    let saved = run.state.clone();
                    let (text, line) = (run.text_matrix, run.line_matrix);
                    if let Some(Object::Array(m)) =
                        deref(self.doc, xobject.dict.get(b"Matrix").ok())
                    {
                        let m: Vec<f32> = m.iter().filter_map(number).collect();
                        if let [a, b, c, d, e, f] = m.as_slice() {
                            run.state.ctm = multiply(&[*a, *b, *c, *d, *e, *f], &run.state.ctm);
                        }
                    }
                    let path = std::mem::take(&mut run.path);
                    let result = self.stream(&bytes, &inner, run, depth + 1);
                    run.path = path;
                    run.state = saved;
                    run.text_matrix = text;
                    run.line_matrix = line;
                    result?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn spend_bytes(&mut self, n: usize) -> Result<(), Stop> {
        match self.bytes_left.checked_sub(n) {
            Some(left) => {
                self.bytes_left = left;
                Ok(())
            }
            None => Err(Stop::Operations),
        }
    }

    /// The font named `name` in the resources (shared by every page that uses it).
    fn font(&mut self, resources: &[&'a Dictionary], name: &[u8]) -> Option<Rc<Font<'a>>> {
        let doc = self.doc;
        let entry = resources.iter().find_map(|r| {
            deref(doc, r.get(b"Font").ok())
                .and_then(|f| f.as_dict().ok())
                .and_then(|f| f.get(name).ok())
        })?;
        let id = match entry {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        if let Some(font) = id.and_then(|id| self.fonts.get(&id)) {
            return Some(Rc::clone(font));
        }
        let dict = deref(self.doc, Some(entry))?.as_dict().ok()?;
        let font = Rc::new(Font::new(self.doc, dict));
        if let Some(id) = id {
            self.fonts.insert(id, Rc::clone(&font));
        }
        Some(font)
    }
}

impl<'a> Run<'a, '_> {
    fn next_line(&mut self, tx: f32, ty: f32) {
        self.line_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.line_matrix);
        self.text_matrix = self.line_matrix;
    }

    /// A `TJ` adjustment: thousandths of a text space unit, subtracted from the position.
    fn adjust(&mut self, amount: f32) {
        let tx = -amount / 1000.0 * self.state.size * self.state.horizontal_scale;
        self.text_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &self.text_matrix);
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.state.font.clone() else {
            return;
        };
        let state = &self.state;
        let mut text = String::new();
        for code in font.codes(bytes) {
            self.shown += 1;
            let render = multiply(
                &multiply(
                    &[
                        state.size * state.horizontal_scale,
                        0.0,
                        0.0,
                        state.size,
                        0.0,
                        state.rise,
                    ],
                    &self.text_matrix,
                ),
                &state.ctm,
            );
            let advance = font.width(&code) * state.size
                + state.char_spacing
                + if code.len == 1 && code.value == 32 {
                    state.word_spacing
                } else {
                    0.0
                };
            let tx = advance * state.horizontal_scale;
            self.text_matrix = multiply(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &self.text_matrix);
            text.clear();
            if !font.decode(&code, &mut text) {
                self.page.undecoded += 1;
            }
            let (x, y) = (render[4], render[5]);
            let end = apply(&multiply(&self.text_matrix, &state.ctm), 0.0, 0.0);
            let size = render[2].hypot(render[3]);
            if !(x.is_finite() && y.is_finite() && size.is_finite()) {
                continue;
            }
            for ch in text.chars() {
                if self.page.glyphs.len() >= MAX_GLYPHS_PER_PAGE {
                    self.page.dropped += 1;
                    continue;
                }
                if ch.is_control() {
                    continue;
                }
                self.page.glyphs.push(Glyph {
                    x,
                    y,
                    width: (end.0 - x).abs(),
                    size,
                    text: ch,
                });
            }
        }
    }

    /// Paint the current path: its straight axis-aligned pieces are ruling lines — stroked
    /// lines, and filled rectangles thin enough to be lines (how browsers draw borders).
    fn paint(&mut self, stroke: bool, fill: bool) {
        let path = std::mem::take(&mut self.path);
        let ctm = self.state.ctm;
        for (points, _closed) in path {
            let points: Vec<(f32, f32)> = points.iter().map(|(x, y)| apply(&ctm, *x, *y)).collect();
            if fill && !stroke {
                // A thin filled shape is a line along its long side.
                let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
                for (x, y) in &points {
                    x0 = x0.min(*x);
                    y0 = y0.min(*y);
                    x1 = x1.max(*x);
                    y1 = y1.max(*y);
                }
                if points.len() < 2 || !(x0.is_finite() && x1.is_finite()) {
                    continue;
                }
                let (w, h) = (x1 - x0, y1 - y0);
                if h <= RULE_THICKNESS && w > h {
                    self.push(Segment {
                        horizontal: true,
                        at: (y0 + y1) / 2.0,
                        from: x0,
                        to: x1,
                    });
                } else if w <= RULE_THICKNESS && h > w {
                    self.push(Segment {
                        horizontal: false,
                        at: (x0 + x1) / 2.0,
                        from: y0,
                        to: y1,
                    });
                }
                continue;
            }
            for pair in points.windows(2) {
                let [(ax, ay), (bx, by)] = pair else { continue };
                let (dx, dy) = ((bx - ax).abs(), (by - ay).abs());
                if dy <= 0.5 && dx > 1.0 {
                    self.push(Segment {
                        horizontal: true,
                        at: (ay + by) / 2.0,
                        from: ax.min(*bx),
                        to: ax.max(*bx),
                    });
                } else if dx <= 0.5 && dy > 1.0 {
                    self.push(Segment {
                        horizontal: false,
                        at: (ax + bx) / 2.0,
                        from: ay.min(*by),
                        to: ay.max(*by),
                    });
                }
            }
        }
    }

    fn push(&mut self, segment: Segment) {
        if !(segment.at.is_finite() && segment.from.is_finite() && segment.to.is_finite()) {
            return;
        }
        if self.page.segments.len() >= MAX_SEGMENTS_PER_PAGE {
            self.page.dropped += 1;
        } else {
            self.page.segments.push(segment);
        }
    }
}

/// The resource dictionaries of a page, nearest first (the page's own, then inherited ones).
fn page_resources(doc: &Document, page_id: ObjectId) -> Vec<&Dictionary> {
    let mut out = Vec::new();
    if let Ok((own, ids)) = doc.get_page_resources(page_id) {
        out.extend(own);
        out.extend(ids.iter().filter_map(|id| doc.get_dictionary(*id).ok()));
    }
    out
}

/// `name` in the `kind` dictionary (`/XObject`, `/Font`) of the first resources that have it.
fn lookup<'a>(
    doc: &'a Document,
    resources: &[&'a Dictionary],
    kind: &[u8],
    name: &[u8],
) -> Option<&'a Object> {
    resources.iter().find_map(|r| {
        deref(doc, r.get(kind).ok())
            .and_then(|d| d.as_dict().ok())
            .and_then(|d| deref(doc, d.get(name).ok()))
    })
}
