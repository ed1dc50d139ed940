//! The N-API surface of calor's native kernels. It only converts and checks arguments and maps errors;
//! the numerics live in `kernel` and `boundary`, which know nothing of N-API.

pub mod band;
pub mod blocked;
pub mod boundary;
pub mod colormap;
pub mod error;
pub mod frames;
pub mod frames_napi;
pub mod kernel;
mod raw;
pub mod shape;
pub mod stream;
pub mod sync;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::band::{Band, Blocking, GhostRowJob, Run, SharedFields};
use crate::blocked::Neighbours;
use crate::boundary::Ghost;
use crate::error::KernelError;
use crate::raw::{RawF64Array, RawI32Array};

/// Shape and coefficients of one explicit step, as the TypeScript solver describes them.
#[napi(object)]
pub struct NapiStencil {
  /// Nodes per row (the padded row has nx + 2 values).
  pub nx: u32,
  /// First node column updated (0, or 1 when the left side is Dirichlet).
  pub first: u32,
  /// Last node column updated, inclusive.
  pub last: u32,
  /// α·dt/dx².
  pub rx: f64,
  /// α·dt/dy².
  pub ry: f64,
  /// The time step (scales the source term).
  pub dt: f64,
  /// Left ghost: 0 unused (Dirichlet), 1 mirror (Neumann), 2 wrap (periodic).
  pub left_kind: u32,
  /// Neumann offset 2·dx·q/α on the left.
  pub left_offset: f64,
  /// Right ghost, coded as `left_kind`.
  pub right_kind: u32,
  /// Neumann offset 2·dx·q/α on the right.
  pub right_offset: f64,
}

fn ghost(what: &'static str, kind: u32, offset: f64) -> std::result::Result<Ghost, KernelError> {
  Ghost::from_code(kind, offset).ok_or_else(|| KernelError::Argument {
    what,
    expected: "kind 0, 1 or 2 with a finite offset",
    actual: format!("kind {kind}, offset {offset}"),
  })
}

impl TryFrom<&NapiStencil> for kernel::Stencil {
  type Error = KernelError;
  fn try_from(s: &NapiStencil) -> std::result::Result<Self, KernelError> {
    let stencil = kernel::Stencil {
      nx: s.nx as usize,
      first: s.first as usize,
      last: s.last as usize,
      rx: s.rx,
      ry: s.ry,
      dt: s.dt,
      left: ghost("leftKind", s.left_kind, s.left_offset)?,
      right: ghost("rightKind", s.right_kind, s.right_offset)?,
    };
    stencil.validate()?;
    Ok(stencil)
  }
}

/// A stencil checked once and reused for every step of a run.
#[napi]
pub struct StencilKernel {
  stencil: kernel::Stencil,
}

#[napi]
impl StencilKernel {
  /// Checks the stencil; throws if a size or coefficient is out of range.
  #[napi(constructor)]
  pub fn new(stencil: NapiStencil) -> Result<Self> {
    Ok(Self { stencil: kernel::Stencil::try_from(&stencil)? })
  }

  /// One FTCS step of `rows` padded rows: `src` is the band plus one halo row on each side, `dst`
  /// the band's own rows, `source` (empty for none) the source term laid out like `dst`. Refreshes
  /// the ghost columns of `dst`. Returns whether every updated value is finite. Throws if any length
  /// does not match or `dst` overlaps another view.
  #[napi]
  pub fn step(&self, src: &[f64], mut dst: Float64ArraySlice, source: &[f64], rows: u32) -> Result<bool> {
    let nx = self.stencil.nx;
    shape::check_band(nx, rows as usize, src.len(), dst.len(), source.len())?;
    check_disjoint("dst", &dst, &[("src", src), ("source", source)])?;
    // SAFETY: `dst` is a view the calling worker owns exclusively for the duration of this call: the
    // solver hands each worker a subarray of only the rows it writes, and no other thread writes or
    // reads those rows until the barrier that follows this step. It does not overlap `src` or `source`
    // (checked above), so this is the only reference to that memory.
    let dst = unsafe { dst.as_mut() };
    let source = if source.is_empty() { None } else { Some(source) };
    Ok(kernel::step_band(src, dst, source, rows as usize, &self.stencil)?)
  }
}

/// Writes a ghost row: target\[k\] = from\[k\] − offset for the node columns. Both are padded rows of
/// the same length; throws otherwise.
#[napi]
pub fn fill_ghost_row(mut target: Float64ArraySlice, from: &[f64], offset: f64) -> Result<()> {
  if target.len() != from.len() || target.len() < 3 {
    return Err(KernelError::Length { what: "ghost row", expected: from.len().max(3), actual: target.len() }.into());
  }
  check_disjoint("target", &target, &[("from", from)])?;
  // SAFETY: the ghost row belongs to the one worker that owns the boundary row it mirrors; nothing
  // else touches it until the next barrier, and it does not overlap `from` (checked above).
  let target = unsafe { target.as_mut() };
  boundary::fill_ghost_row(target, from, offset);
  Ok(())
}

/// Refuses a writable view that shares memory with any of the read-only views of the same call.
fn check_disjoint(name: &'static str, written: &[f64], read: &[(&'static str, &[f64])]) -> Result<()> {
  let span = |s: &[f64]| {
    let start = s.as_ptr() as usize;
    start..start + std::mem::size_of_val(s)
  };
  let w = span(written);
  for (other, slice) in read {
    let r = span(slice);
    if !slice.is_empty() && !written.is_empty() && w.start < r.end && r.start < w.end {
      return Err(Error::new(Status::InvalidArg, format!("{name} overlaps {other}: views must not share memory")));
    }
  }
  Ok(())
}

/// How a native run ended.
#[napi(object)]
pub struct NapiOutcome {
  /// Steps completed, the same for every worker of the run.
  pub steps: u32,
  /// True if the barrier was abandoned (a peer failed, or the run was aborted).
  pub abandoned: bool,
  /// True if abandoned inside a temporal block: the fields hold mixed time levels.
  pub lost: bool,
}

fn parse_ghost_rows(flat: &[f64]) -> Result<Vec<GhostRowJob>> {
  let index = |v: f64| (v >= 0.0 && v.fract() == 0.0 && v < 1e15).then_some(v as usize);
  if !flat.len().is_multiple_of(3) {
    return Err(Error::new(Status::InvalidArg, "ghostRows must hold (target, from, offset) triples".to_owned()));
  }
  flat
    .chunks_exact(3)
    .map(|t| match (index(t[0]), index(t[1])) {
      (Some(target), Some(from)) => Ok(GhostRowJob { target, from, offset: t[2] }),
      _ => Err(Error::new(Status::InvalidArg, format!("ghost row indices must be whole numbers, got {t:?}"))),
    })
    .collect()
}

/// The worker's whole run in one call: up to `steps` steps of node rows [start, end) from field
/// `parity` (0: `fieldA` is the source of the first step), meeting `parties` peers at the barrier
/// in `control` after every step and refreshing the ghost rows listed in `ghostRows` (flat
/// (target, from, offset) triples of padded row indices). Stops early, with every peer at the same
/// step, on a stop request or a non-finite value. `blocking` is [k, below, aboveEnd]: k steps per
/// pass over memory (1 = plain steps; k > 1 needs bands of at least 2k rows), whether another band
/// ends just below `start`, and the end row of the band just above (0 if none). Throws if any view,
/// index or length does not fit.
#[napi]
pub fn run_band(
  field_a: RawF64Array,
  field_b: RawF64Array,
  source: &[f64],
  control: RawI32Array,
  stencil: &StencilKernel,
  band: Vec<u32>,
  ghost_rows: &[f64],
  blocking: Vec<u32>,
  steps: u32,
  parity: u32,
) -> Result<NapiOutcome> {
  let blocking = match blocking[..] {
    [k, below, above_end] => Blocking {
      k: k as usize,
      near: Neighbours { below: below != 0, above_end: (above_end != 0).then_some(above_end as usize) },
    },
    _ => return Err(Error::new(Status::InvalidArg, "blocking must be [k, below, aboveEnd]".to_owned())),
  };
  let (start, end, parties) = match band[..] {
    [start, end, parties] if parties <= 1 << 16 => (start as usize, end as usize, parties.cast_signed()),
    _ => {
      return Err(Error::new(Status::InvalidArg, format!("band must be [start, end, parties <= 65536], got {band:?}")))
    }
  };
  let fields = shared_fields(field_a, field_b, source)?;
  if control.len < sync::SLOTS {
    return Err(KernelError::Length { what: "control", expected: sync::SLOTS, actual: control.len }.into());
  }
  // SAFETY: the control block is a live Int32Array for this call; AtomicI32 has the size and
  // alignment of i32, and every access to these slots, here or in JS, is atomic.
  let slots = unsafe { std::slice::from_raw_parts(control.ptr.cast::<std::sync::atomic::AtomicI32>(), control.len) };
  let control = sync::Control::new(slots).ok_or_else(|| Error::new(Status::InvalidArg, "control block too small"))?;
  let jobs = parse_ghost_rows(ghost_rows)?;
  let band = Band { start, end, parties, ghost_rows: &jobs };
  let source = if source.is_empty() { None } else { Some(source) };
  // SAFETY: `shared_fields` checked the two fields are distinct, equally long and disjoint from the
  // source; they are SharedArrayBuffer views kept alive by the caller for the call; the solver gives
  // every worker of the run a disjoint band of the same fields and control block.
  let outcome = unsafe {
    band::run_band(
      &Run { fields: &fields, source, control: &control, band: &band, stencil: &stencil.stencil, blocking },
      steps as usize,
      parity as usize,
    )
  }?;
  Ok(NapiOutcome { steps: outcome.steps as u32, abandoned: outcome.abandoned, lost: outcome.lost })
}

fn shared_fields(a: RawF64Array, b: RawF64Array, source: &[f64]) -> Result<SharedFields> {
  let bytes = |ptr: *const f64, len: usize| (ptr as usize)..(ptr as usize + len * std::mem::size_of::<f64>());
  let (ra, rb, rs) = (bytes(a.ptr, a.len), bytes(b.ptr, b.len), bytes(source.as_ptr(), source.len()));
  let overlaps = |x: &std::ops::Range<usize>, y: &std::ops::Range<usize>| x.start < y.end && y.start < x.end;
  if a.len != b.len || a.len == 0 {
    return Err(KernelError::Length { what: "fieldB", expected: a.len, actual: b.len }.into());
  }
  if overlaps(&ra, &rb) || (!source.is_empty() && (overlaps(&ra, &rs) || overlaps(&rb, &rs))) {
    return Err(Error::new(Status::InvalidArg, "fieldA, fieldB and source must not share memory".to_owned()));
  }
  Ok(SharedFields { buffers: [a.ptr, b.ptr], len: a.len })
}
