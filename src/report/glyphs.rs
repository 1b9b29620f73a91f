//! Chart text, the last drawing step before PNG encoding: labels laid out and rasterised
//! with ab_glyph from the bundled DejaVu Sans (every Vietnamese letter, precomposed; no
//! system font is looked up), alpha-blended into the RGB bitmap plotters drew on.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};
use unicode_normalization::UnicodeNormalization;

use super::error::ReportError;

/// Size of chart text, in pixels.
pub(crate) const TEXT_SIZE: f32 = 12.0;
/// Size of chart titles.
const TITLE_SIZE: f32 = 17.0;

/// The bundled font.
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The parsed bundled font.
pub(crate) fn font() -> Result<&'static FontRef<'static>, ReportError> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
        .ok_or_else(|| ReportError::chart("font", "the bundled font could not be read"))
}

/// Where a label's point is on the label, along one axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// Left edge, or top.
    Start,
    /// Centre.
    Middle,
    /// Right edge, or bottom.
    End,
}

/// A text to paint at a pixel position.
#[derive(Clone, Debug)]
pub(crate) struct Label {
    /// The text (composed to NFC before layout).
    pub text: String,
    /// Pixel position of the anchor point.
    pub at: (i32, i32),
    /// Font size in pixels.
    pub size: f32,
    /// Colour.
    pub rgb: [u8; 3],
    /// Horizontal and vertical anchor.
    pub anchor: (Anchor, Anchor),
}

impl Label {
    /// A dark label of `size` at `at`, anchored as given.
    pub fn new(
        text: impl Into<String>,
        at: (i32, i32),
        size: f32,
        anchor: (Anchor, Anchor),
    ) -> Self {
        Label {
            text: text.into(),
            at,
            size,
            rgb: [0x1f, 0x29, 0x33],
            anchor,
        }
    }

    /// A chart title, centred at the top of a chart `width` pixels wide.
    pub fn title(text: impl Into<String>, width: u32) -> Self {
        let anchor = (Anchor::Middle, Anchor::Start);
        Label::new(text, (width as i32 / 2, 14), TITLE_SIZE, anchor)
    }

    /// Chart text centred below `at` (tick labels, axis titles).
    pub fn below(text: impl Into<String>, at: (i32, i32)) -> Self {
        Label::new(text, at, TEXT_SIZE, (Anchor::Middle, Anchor::Start))
    }

    /// Chart text ending at `at`, centred vertically (row and tick labels).
    pub fn left_of(text: impl Into<String>, at: (i32, i32)) -> Self {
        Label::new(text, at, TEXT_SIZE, (Anchor::End, Anchor::Middle))
    }

    /// Chart text starting at `at`, centred vertically.
    pub fn right_of(text: impl Into<String>, at: (i32, i32)) -> Self {
        Label::new(text, at, TEXT_SIZE, (Anchor::Start, Anchor::Middle))
    }

    /// The same label in another colour.
    pub fn colored(mut self, rgb: [u8; 3]) -> Self {
        self.rgb = rgb;
        self
    }
}

/// Glyph ids and their x offsets, and the advance of the whole text.
fn layout(font: &FontRef<'static>, text: &str, size: f32) -> (Vec<(GlyphId, f32)>, f32) {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut x = 0.0;
    let mut prev: Option<GlyphId> = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.nfc() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            x += scaled.kern(p, id);
        }
        glyphs.push((id, x));
        x += scaled.h_advance(id);
        prev = Some(id);
    }
    (glyphs, x)
}

/// The width of `text` at `size`, in pixels.
pub(crate) fn text_width(font: &FontRef<'static>, text: &str, size: f32) -> f32 {
    layout(font, text, size).1
}

/// Paints `label` onto an RGB bitmap of `width` x `height`.
pub(crate) fn paint(
    font: &FontRef<'static>,
    rgb: &mut [u8],
    (width, height): (u32, u32),
    label: &Label,
) {
    let scaled = font.as_scaled(PxScale::from(label.size));
    let (glyphs, advance) = layout(font, &label.text, label.size);
    let (ascent, descent) = (scaled.ascent(), scaled.descent());
    let (x, y) = (label.at.0 as f32, label.at.1 as f32);
    let left = match label.anchor.0 {
        Anchor::Start => x,
        Anchor::Middle => x - advance / 2.0,
        Anchor::End => x - advance,
    };
    let baseline = match label.anchor.1 {
        Anchor::Start => y + ascent,
        Anchor::Middle => y + (ascent + descent) / 2.0,
        Anchor::End => y + descent,
    };
    for (id, dx) in glyphs {
        let glyph = id.with_scale_and_position(label.size, point(left + dx, baseline));
        let Some(outline) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            let px = bounds.min.x as i64 + i64::from(gx);
            let py = bounds.min.y as i64 + i64::from(gy);
            if px < 0 || py < 0 || px >= i64::from(width) || py >= i64::from(height) {
                return;
            }
            let at = ((py as usize) * width as usize + px as usize) * 3;
            let alpha = coverage.clamp(0.0, 1.0);
            for (k, channel) in rgb[at..at + 3].iter_mut().enumerate() {
                let blended = f32::from(*channel) * (1.0 - alpha) + f32::from(label.rgb[k]) * alpha;
                *channel = blended.round() as u8;
            }
        });
    }
}
