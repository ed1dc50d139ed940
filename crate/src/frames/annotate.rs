//! Frames people can read: the field image, optionally with a colour bar and its numeric range on
//! the right and the time and step underneath, drawn with the public-domain 8×8 bitmap font of the
//! `font8x8` crate; and tEXt metadata (t, step, range) in every frame, annotated or not.

use std::path::Path;

use font8x8::legacy::BASIC_LEGACY;

use super::colormap::{Lut, LUT_SIZE};
use super::{colorize, encode_png_text, widen_range, FrameError, FrameShape};

/// Glyph side in pixels.
const GLYPH: usize = 8;
/// Space around the bar, the labels and the caption.
const MARGIN: usize = 4;
/// Width of the colour bar.
const BAR: usize = 12;
/// Characters a range label may take.
const LABEL_CHARS: usize = 10;
const PAPER: [u8; 3] = [255, 255, 255];
const INK: [u8; 3] = [0, 0, 0];

/// What a frame shows besides the field, and records in its metadata.
#[derive(Clone, Copy, Debug)]
pub struct FrameMeta {
  pub t: f64,
  pub step: u64,
  /// Draw the colour bar, its range and the caption into the image.
  pub annotate: bool,
}

/// A value as a short label (at most [`LABEL_CHARS`] characters): fixed point for moderate
/// magnitudes, scientific otherwise, with as many digits as fit (never cut, which would change it).
#[must_use]
pub fn label(v: f64) -> String {
  if v == 0.0 {
    return "0".to_string();
  }
  let fixed = (1e-3..1e5).contains(&v.abs());
  (0..=4)
    .rev()
    .map(|digits| {
      if fixed {
        let text = format!("{v:.digits$}");
        if text.contains('.') {
          text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
          text
        }
      } else {
        format!("{v:.digits$e}")
      }
    })
    .find(|text| text.len() <= LABEL_CHARS)
    .unwrap_or_else(|| format!("{v:.0e}"))
}

/// An RGB canvas of `width` × `height` pixels.
struct Canvas {
  rgb: Vec<u8>,
  width: usize,
  height: usize,
}

impl Canvas {
  fn set(&mut self, x: usize, y: usize, colour: [u8; 3]) {
    if x < self.width && y < self.height {
      let at = (y * self.width + x) * 3;
      self.rgb[at..at + 3].copy_from_slice(&colour);
    }
  }

  /// Draws `text` with its top-left corner at (x, y); characters outside ASCII are drawn as '?'.
  fn text(&mut self, x: usize, y: usize, text: &str) {
    for (k, c) in text.chars().enumerate() {
      let code = if c.is_ascii() { c as usize } else { '?' as usize };
      for (row, bits) in BASIC_LEGACY[code].iter().enumerate() {
        for col in 0..GLYPH {
          // Bit 0 is the glyph's leftmost pixel.
          if bits & (1 << col) != 0 {
            self.set(x + k * GLYPH + col, y + row, INK);
          }
        }
      }
    }
  }
}

/// The caption under an annotated image.
fn caption(meta: &FrameMeta) -> String {
  format!("t = {}  step {}", label(meta.t), meta.step)
}

/// Lays the field image out with a colour bar (hi at the top), its two range labels and the caption.
fn annotate(field_rgb: &[u8], width: usize, height: usize, range: (f64, f64), lut: &Lut, meta: &FrameMeta) -> Canvas {
  let caption = caption(meta);
  let bar_height = height.max(2 * GLYPH + MARGIN);
  let panel = MARGIN + BAR + MARGIN + LABEL_CHARS * GLYPH + MARGIN;
  let canvas_width = (width + panel).max(caption.len() * GLYPH + 2 * MARGIN);
  let canvas_height = bar_height + MARGIN + GLYPH + MARGIN;
  let mut canvas =
    Canvas { rgb: PAPER.repeat(canvas_width * canvas_height), width: canvas_width, height: canvas_height };
  for (y, row) in field_rgb.chunks_exact(width * 3).enumerate() {
    let at = y * canvas_width * 3;
    canvas.rgb[at..at + row.len()].copy_from_slice(row);
  }
  let bar_x = width + MARGIN;
  for y in 0..bar_height {
    let index = (LUT_SIZE - 1) * (bar_height - 1 - y) / (bar_height - 1);
    for x in bar_x..bar_x + BAR {
      canvas.set(x, y, lut.0[index]);
    }
  }
  let label_x = bar_x + BAR + MARGIN;
  canvas.text(label_x, 0, &label(range.1));
  canvas.text(label_x, bar_height - GLYPH, &label(range.0));
  canvas.text(MARGIN, bar_height + MARGIN, &caption);
  canvas
}

/// The tEXt chunks of a frame: `t`, `step` and `range` ("lo hi"), numbers in full precision.
fn metadata(meta: &FrameMeta, (lo, hi): (f64, f64)) -> [(&'static str, String); 4] {
  [
    ("Software", "calor".to_string()),
    ("t", format!("{}", meta.t)),
    ("step", meta.step.to_string()),
    ("range", format!("{lo} {hi}")),
  ]
}

/// Colours, optionally annotates, encodes (with tEXt metadata) and writes one frame to `path`.
///
/// # Errors
/// As [`FrameShape::validate`] and [`super::encode_png`], and [`FrameError::Io`] if the file cannot be written.
pub fn write_frame_with(
  field: &[f64],
  shape: FrameShape,
  range: (f64, f64),
  lut: &Lut,
  meta: &FrameMeta,
  path: &Path,
) -> Result<(), FrameError> {
  shape.validate(field.len())?;
  let (lo, hi) = widen_range(range);
  let rgb = colorize(field, shape, lo, hi, lut);
  let text = metadata(meta, (lo, hi));
  let png = if meta.annotate {
    let canvas = annotate(&rgb, shape.width(), shape.height(), (lo, hi), lut, meta);
    encode_png_text(&canvas.rgb, canvas.width, canvas.height, &text, path)?
  } else {
    encode_png_text(&rgb, shape.width(), shape.height(), &text, path)?
  };
  std::fs::write(path, png).map_err(|source| FrameError::Io { path: path.display().to_string(), source })
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::frames::colormap::Colormap;

  #[test]
  fn labels_are_short_and_readable() {
    let cases = [
      (0.0, "0"),
      (1.0, "1"),
      (0.25, "0.25"),
      (-12.5, "-12.5"),
      (1e-7, "1.0000e-7"),
      (123_456.0, "1.2346e5"),
      (-12_345.678_9, "-12345.679"),
      (-1.234_567e-300, "-1.23e-300"),
    ];
    for (v, expected) in cases {
      assert_eq!(label(v), expected, "label({v})");
    }
  }

  #[test]
  fn annotation_draws_bar_from_hi_at_top_to_lo_at_bottom_and_ink_in_the_caption() {
    let lut = Colormap::from_name("viridis").unwrap().lut();
    let (width, height) = (4, 40);
    let field = vec![7u8; width * height * 3];
    let meta = FrameMeta { t: 0.5, step: 12, annotate: true };
    let canvas = annotate(&field, width, height, (0.0, 1.0), &lut, &meta);
    let pixel = |x: usize, y: usize| canvas.rgb[(y * canvas.width + x) * 3..][..3].to_vec();
    assert_eq!(pixel(0, 0), vec![7, 7, 7]);
    assert_eq!(pixel(width + MARGIN, 0), lut.0[LUT_SIZE - 1].to_vec());
    assert_eq!(pixel(width + MARGIN, height - 1), lut.0[0].to_vec());
    let caption_rows = height + MARGIN..height + MARGIN + GLYPH;
    let inked = caption_rows.flat_map(|y| (0..canvas.width).map(move |x| (x, y))).any(|(x, y)| pixel(x, y) == INK);
    assert!(inked, "the caption is drawn");
  }
}
