//! The N-API surface of frames: checks arguments on the calling (main) thread, copies the field, and
//! runs the colouring, encoding and file writing as an `AsyncTask` on libuv's thread pool, so the
//! JavaScript thread (and the solver it drives) goes on meanwhile. Synchronous Rust inside; no runtime.

use std::path::PathBuf;
use std::time::Instant;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::frames::annotate::FrameMeta;
use crate::frames::colormap::{Colormap, COLORMAPS};
use crate::frames::{self, FrameError, FrameShape};

impl From<FrameError> for napi::Error {
  fn from(error: FrameError) -> Self {
    let status = match error {
      FrameError::Argument { .. } => Status::InvalidArg,
      _ => Status::GenericFailure,
    };
    napi::Error::new(status, error.to_string())
  }
}

/// How to draw one frame.
#[napi(object)]
pub struct NapiFrameSpec {
  /// Nodes per row and rows of the field.
  pub nx: u32,
  pub ny: u32,
  /// One of inferno, viridis, magma, plasma, turbo, coolwarm, gray.
  pub colormap: String,
  /// Pixels per node along each axis (nearest neighbour), at least 1.
  pub scale: u32,
  /// The value drawn with the map's first colour; absent (with `hi`) for the frame's own minimum.
  pub lo: Option<f64>,
  /// The value drawn with the map's last colour; absent (with `lo`) for the frame's own maximum.
  pub hi: Option<f64>,
  /// Draw a colour bar with its range, and the time and step, into the image. Default `false`.
  pub annotate: Option<bool>,
  /// The frame's time and step, written as tEXt metadata (and drawn when annotated). Default 0.
  pub t: Option<f64>,
  pub step: Option<f64>,
}

/// What encoding one frame found and did.
#[napi(object)]
pub struct NapiFrameStats {
  /// Smallest finite value of the field (NaN if none is finite).
  pub min: f64,
  /// Largest finite value of the field (NaN if none is finite).
  pub max: f64,
  /// The colour range drawn: `lo` → first colour, `hi` → last.
  pub lo: f64,
  pub hi: f64,
  /// Seconds spent colouring, encoding and writing, on the thread pool.
  pub seconds: f64,
}

pub struct EncodeFrame {
  field: Vec<f64>,
  shape: FrameShape,
  range: Option<(f64, f64)>,
  colormap: Colormap,
  meta: FrameMeta,
  path: PathBuf,
}

impl Task for EncodeFrame {
  type Output = NapiFrameStats;
  type JsValue = NapiFrameStats;

  fn compute(&mut self) -> Result<NapiFrameStats> {
    let start = Instant::now();
    let data = frames::finite_range(&self.field);
    let (lo, hi) = frames::widen_range(self.range.or(data).unwrap_or((0.0, 1.0)));
    frames::annotate::write_frame_with(
      &self.field,
      self.shape,
      (lo, hi),
      &self.colormap.lut(),
      &self.meta,
      &self.path,
    )?;
    let (min, max) = data.unwrap_or((f64::NAN, f64::NAN));
    let seconds = start.elapsed().as_secs_f64();
    Ok(NapiFrameStats { min, max, lo, hi, seconds })
  }

  fn resolve(&mut self, _env: Env, output: NapiFrameStats) -> Result<NapiFrameStats> {
    Ok(output)
  }
}

fn invalid(what: &'static str, expected: &'static str, actual: String) -> napi::Error {
  FrameError::Argument { what, expected, actual }.into()
}

fn parse_range(lo: Option<f64>, hi: Option<f64>) -> Result<Option<(f64, f64)>> {
  match (lo, hi) {
    (None, None) => Ok(None),
    (Some(lo), Some(hi)) if lo.is_finite() && hi.is_finite() && lo <= hi => Ok(Some((lo, hi))),
    _ => Err(invalid("range", "finite lo <= hi, or neither", format!("lo {lo:?}, hi {hi:?}"))),
  }
}

fn parse_meta(annotate: Option<bool>, t: Option<f64>, step: Option<f64>) -> Result<FrameMeta> {
  let t = t.unwrap_or(0.0);
  if !t.is_finite() {
    return Err(invalid("t", "a finite number", format!("{t}")));
  }
  let step = step.unwrap_or(0.0);
  // 2^53: every integer below it is exact in an f64, and `as u64` is then exact too.
  if !(0.0..=9_007_199_254_740_992.0).contains(&step) || step.fract() != 0.0 {
    return Err(invalid("step", "an integer from 0 to 2^53", format!("{step}")));
  }
  #[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "checked: a non-negative integer below 2^53"
  )]
  let step = step as u64;
  Ok(FrameMeta { t, step, annotate: annotate.unwrap_or(false) })
}

/// Colours `field` (nx·ny values, row-major, row ny−1 drawn at the top), encodes it as PNG and writes
/// it to `path`, off the main thread; resolves with the field's range. The field is copied before
/// this returns, so the caller may reuse it.
///
/// # Errors
/// Throws at once on an unknown colormap, a field that is not nx·ny values, a bad scale or range;
/// the promise rejects if the file cannot be written.
#[napi(ts_return_type = "Promise<NapiFrameStats>")]
pub fn encode_frame(field: &[f64], spec: NapiFrameSpec, path: String) -> Result<AsyncTask<EncodeFrame>> {
  let NapiFrameSpec { nx, ny, colormap, scale, lo, hi, annotate, t, step } = spec;
  let meta = parse_meta(annotate, t, step)?;
  let Some(colormap) = Colormap::from_name(&colormap) else {
    let names: Vec<&str> = COLORMAPS.iter().map(|(n, _)| *n).collect();
    return Err(napi::Error::new(
      Status::InvalidArg,
      format!("colormap must be one of {}, got {colormap:?}", names.join(", ")),
    ));
  };
  let shape = FrameShape { nx: nx as usize, ny: ny as usize, scale: scale as usize };
  shape.validate(field.len())?;
  let range = parse_range(lo, hi)?;
  Ok(AsyncTask::new(EncodeFrame { field: field.to_vec(), shape, range, colormap, meta, path: PathBuf::from(path) }))
}

pub struct WriteAnimation {
  frames: Vec<PathBuf>,
  path: PathBuf,
  fps: u16,
}

impl Task for WriteAnimation {
  type Output = ();
  type JsValue = ();

  fn compute(&mut self) -> Result<()> {
    frames::write_animation(&self.frames, &self.path, self.fps)?;
    Ok(())
  }

  fn resolve(&mut self, _env: Env, (): ()) -> Result<()> {
    Ok(())
  }
}

/// Joins the PNG files `frames` (as `encodeFrame` writes them, all the same size) into one animated
/// PNG at `path` that loops forever at `fps` frames per second, off the main thread. Reads one frame
/// at a time: memory stays at about two frames' pixels.
///
/// # Errors
/// Throws at once if `fps` is not in 1…65535; the promise rejects if there are no frames, they differ
/// in size, or a file cannot be read or written.
#[napi(ts_return_type = "Promise<void>")]
pub fn write_animation(frames: Vec<String>, path: String, fps: u32) -> Result<AsyncTask<WriteAnimation>> {
  let fps = u16::try_from(fps)
    .ok()
    .filter(|f| *f > 0)
    .ok_or_else(|| invalid("fps", "an integer from 1 to 65535", fps.to_string()))?;
  Ok(AsyncTask::new(WriteAnimation {
    frames: frames.into_iter().map(PathBuf::from).collect(),
    path: PathBuf::from(path),
    fps,
  }))
}
