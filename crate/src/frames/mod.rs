//! Frames: a field coloured through a lookup table into an RGB image, encoded as PNG, and a run of
//! such PNG files joined into one animated PNG (APNG). Pure Rust, no N-API types.
//!
//! Orientation: image row 0 (the top) shows grid row j = ny − 1, so y increases upward as in a plot.
//! Each node becomes a `scale` × `scale` block of pixels (nearest neighbour).

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;

pub mod annotate;
pub mod colormap;

use colormap::{Lut, LUT_SIZE};

/// What encoding or writing a frame refuses or fails to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
  /// An argument is out of range; found before any work is done.
  #[error("{what} must be {expected}, got {actual}")]
  Argument { what: &'static str, expected: &'static str, actual: String },
  /// Reading or writing a file failed.
  #[error("{path}: {source}")]
  Io { path: String, source: std::io::Error },
  /// The PNG encoder or decoder failed.
  #[error("{path}: {message}")]
  Png { path: String, message: String },
}

impl FrameError {
  fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
    move |source| FrameError::Io { path: path.display().to_string(), source }
  }

  fn png<E: std::fmt::Display>(path: &Path) -> impl FnOnce(E) -> Self + '_ {
    move |error| FrameError::Png { path: path.display().to_string(), message: error.to_string() }
  }
}

/// The smallest and largest finite values of `field` (NaN and ±∞ are skipped), or None if none is finite.
#[must_use]
pub fn finite_range(field: &[f64]) -> Option<(f64, f64)> {
  let mut range: Option<(f64, f64)> = None;
  for &v in field.iter().filter(|v| v.is_finite()) {
    range = Some(range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
  }
  range
}

/// A colour range with hi > lo: a degenerate range [v, v] becomes [v − ½, v + ½], so that a uniform
/// field takes the middle colour.
#[must_use]
pub fn widen_range((lo, hi): (f64, f64)) -> (f64, f64) {
  if hi > lo {
    (lo, hi)
  } else {
    (lo - 0.5, lo + 0.5)
  }
}

/// The shape of a frame image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameShape {
  pub nx: usize,
  pub ny: usize,
  pub scale: usize,
}

impl FrameShape {
  /// Largest image side, in pixels.
  pub const MAX_SIDE: usize = 1 << 15;

  /// Checks the shape; `len` is the length of the field it will colour.
  ///
  /// # Errors
  /// [`FrameError::Argument`] if a size is zero, the image is too large, or `len` is not nx·ny.
  pub fn validate(&self, len: usize) -> Result<(), FrameError> {
    let fail = |what, expected, actual: String| Err(FrameError::Argument { what, expected, actual });
    if self.nx == 0 || self.ny == 0 || self.nx.checked_mul(self.ny) != Some(len) {
      return fail("field", "nx·ny values", format!("{len} values for {}×{}", self.nx, self.ny));
    }
    if self.scale == 0 || self.width() > Self::MAX_SIDE || self.height() > Self::MAX_SIDE {
      let actual = format!("scale {} for {}×{}", self.scale, self.nx, self.ny);
      return fail("scale", "at least 1, with an image at most 32768 pixels a side", actual);
    }
    Ok(())
  }

  /// Image width in pixels.
  #[must_use]
  pub fn width(&self) -> usize {
    self.nx.saturating_mul(self.scale)
  }

  /// Image height in pixels.
  #[must_use]
  pub fn height(&self) -> usize {
    self.ny.saturating_mul(self.scale)
  }
}

/// Colours `field` (nx·ny values, node (i, j) at j·nx + i) into RGB rows, top row first: value `lo`
/// takes the table's first colour, `hi` its last, values outside are clamped, NaN takes the first.
/// The shape must have been validated against `field` and hi > lo (see [`widen_range`]).
#[must_use]
pub fn colorize(field: &[f64], shape: FrameShape, lo: f64, hi: f64, lut: &Lut) -> Vec<u8> {
  let FrameShape { nx, ny, scale } = shape;
  let row_bytes = shape.width() * 3;
  let mut rgb = vec![0u8; row_bytes * shape.height()];
  // A range wider than f64::MAX (e.g. ±1.7e308) is measured in halves, which cannot overflow; for any
  // other range the halving is skipped, so the colours do not change by a bit.
  let half = if (hi - lo).is_finite() { 1.0 } else { 0.5 };
  let (lo, hi) = (lo * half, hi * half);
  let k = (LUT_SIZE - 1) as f64 / (hi - lo);
  // Each grid row fills `scale` image rows: colour the first, copy it to the others.
  for (r, block) in rgb.chunks_exact_mut(row_bytes * scale).enumerate() {
    let row = &field[(ny - 1 - r) * nx..(ny - r) * nx];
    let (first, rest) = block.split_at_mut(row_bytes);
    for (pixels, &v) in first.chunks_exact_mut(3 * scale).zip(row) {
      // `as usize` maps NaN to 0; the clamp keeps the index in the table.
      let index = ((v * half - lo) * k + 0.5).clamp(0.0, (LUT_SIZE - 1) as f64) as usize;
      let colour = lut.0[index];
      for pixel in pixels.chunks_exact_mut(3) {
        pixel.copy_from_slice(&colour);
      }
    }
    for copy in rest.chunks_exact_mut(row_bytes) {
      copy.copy_from_slice(first);
    }
  }
  rgb
}

/// Encodes RGB rows as an 8-bit PNG with the png crate's fast settings. `path` only names errors.
///
/// # Errors
/// [`FrameError::Png`] if the encoder fails (for instance, if `rgb` does not match the size).
pub fn encode_png(rgb: &[u8], width: usize, height: usize, path: &Path) -> Result<Vec<u8>, FrameError> {
  encode_png_text(rgb, width, height, &[], path)
}

/// As [`encode_png`], with tEXt chunks (keyword, text) before the image data.
///
/// # Errors
/// [`FrameError::Png`] if the encoder fails or a keyword is not a valid tEXt keyword.
pub fn encode_png_text(
  rgb: &[u8],
  width: usize,
  height: usize,
  text: &[(&str, String)],
  path: &Path,
) -> Result<Vec<u8>, FrameError> {
  let mut out = Vec::with_capacity(rgb.len() / 4 + 1024);
  let mut encoder = png::Encoder::new(&mut out, width as u32, height as u32);
  encoder.set_color(png::ColorType::Rgb);
  encoder.set_depth(png::BitDepth::Eight);
  encoder.set_compression(png::Compression::Fast);
  for (keyword, value) in text {
    encoder.add_text_chunk((*keyword).to_string(), value.clone()).map_err(FrameError::png(path))?;
  }
  let mut writer = encoder.write_header().map_err(FrameError::png(path))?;
  writer.write_image_data(rgb).map_err(FrameError::png(path))?;
  writer.finish().map_err(FrameError::png(path))?;
  Ok(out)
}

/// Colours, encodes and writes one frame to `path`.
///
/// # Errors
/// As [`FrameShape::validate`], [`encode_png`], and [`FrameError::Io`] if the file cannot be written.
pub fn write_frame(
  field: &[f64],
  shape: FrameShape,
  range: (f64, f64),
  lut: &Lut,
  path: &Path,
) -> Result<(), FrameError> {
  shape.validate(field.len())?;
  let (lo, hi) = widen_range(range);
  let rgb = colorize(field, shape, lo, hi, lut);
  let png = encode_png(&rgb, shape.width(), shape.height(), path)?;
  std::fs::write(path, png).map_err(FrameError::io(path))
}

/// Reads an 8-bit RGB PNG (not interlaced, as [`write_frame`] writes it) into `buffer` and returns
/// its size. The header decides how much memory this could take, so it is checked first (at most
/// [`FrameShape::MAX_SIDE`] pixels a side, and the size of the first frame for the others), and the
/// buffer grows only with rows actually decoded, each growth a fallible allocation: a header that
/// lies about its size is an error, never an allocation by header size or an abort.
fn read_rgb(path: &Path, expected: Option<(u32, u32)>, buffer: &mut Vec<u8>) -> Result<(u32, u32), FrameError> {
  let png_error = |message: String| FrameError::Png { path: path.display().to_string(), message };
  let file = File::open(path).map_err(FrameError::io(path))?;
  // The decoder's own allocations (metadata chunks, one row) are bounded by its limits.
  let decoder = png::Decoder::new_with_limits(BufReader::new(file), png::Limits { bytes: 64 << 20 });
  let mut reader = decoder.read_info().map_err(FrameError::png(path))?;
  let info = reader.info();
  let size = info.size();
  let (width, height) = size;
  let max = FrameShape::MAX_SIDE;
  if width as usize > max || height as usize > max {
    return Err(png_error(format!("image is {width}×{height} pixels, more than {max} a side")));
  }
  if (info.color_type, info.bit_depth, info.interlaced) != (png::ColorType::Rgb, png::BitDepth::Eight, false) {
    let message = format!("expected 8-bit RGB, not interlaced, got {:?} {:?}", info.color_type, info.bit_depth);
    return Err(png_error(message));
  }
  if let Some(first) = expected.filter(|&first| first != size) {
    let message = format!("{} is {width}×{height} pixels, the first frame {}×{}", path.display(), first.0, first.1);
    return Err(FrameError::Argument { what: "animation frames", expected: "all the same size", actual: message });
  }
  buffer.clear();
  while let Some(row) = reader.next_row().map_err(FrameError::png(path))? {
    let row = row.data();
    buffer.try_reserve(row.len()).map_err(|e| png_error(format!("cannot hold a {width}×{height} image: {e}")))?;
    buffer.extend_from_slice(row);
  }
  if buffer.len() != width as usize * height as usize * 3 {
    return Err(png_error(format!("decoded {} bytes for a {width}×{height} image", buffer.len())));
  }
  Ok(size)
}

/// Joins PNG frames (8-bit RGB, all the same size, as [`write_frame`] writes them) into one APNG at
/// `out` that loops forever, showing each frame for 1/`fps` s. Reads one frame at a time, so memory
/// stays at about two frames' pixels whatever the number of frames.
///
/// # Errors
/// [`FrameError::Argument`] for no frames, a zero fps or frames of different sizes; I/O and PNG errors
/// name the file.
pub fn write_animation(frames: &[impl AsRef<Path>], out: &Path, fps: u16) -> Result<(), FrameError> {
  let argument = |what, expected, actual: String| Err(FrameError::Argument { what, expected, actual });
  if frames.is_empty() || fps == 0 {
    return argument("animation", "at least one frame at fps >= 1", format!("{} frames at {fps} fps", frames.len()));
  }
  let mut pixels = Vec::new();
  let size = read_rgb(frames[0].as_ref(), None, &mut pixels)?;
  let file = File::create(out).map_err(FrameError::io(out))?;
  let mut encoder = png::Encoder::new(BufWriter::new(file), size.0, size.1);
  encoder.set_color(png::ColorType::Rgb);
  encoder.set_depth(png::BitDepth::Eight);
  encoder.set_compression(png::Compression::Fast);
  encoder.set_animated(frames.len() as u32, 0).map_err(FrameError::png(out))?;
  encoder.set_frame_delay(1, fps).map_err(FrameError::png(out))?;
  let mut writer = encoder.write_header().map_err(FrameError::png(out))?;
  for (k, path) in frames.iter().enumerate() {
    let path = path.as_ref();
    if k > 0 {
      read_rgb(path, Some(size), &mut pixels)?;
    }
    writer.write_image_data(&pixels).map_err(FrameError::png(out))?;
  }
  writer.finish().map_err(FrameError::png(out))?;
  Ok(())
}

#[cfg(test)]
mod tests;
