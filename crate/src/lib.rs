//! The N-API surface of calor's native kernels. It only converts and checks arguments and maps errors;
//! the numerics live in `kernel` and `boundary`, which know nothing of N-API.
#![deny(clippy::all)]

pub mod boundary;
pub mod error;
pub mod kernel;
pub mod stream;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::boundary::Ghost;
use crate::error::KernelError;

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
    Ok(Self {
      stencil: kernel::Stencil::try_from(&stencil)?,
    })
  }

  /// One FTCS step of `rows` padded rows: `src` is the band plus one halo row on each side, `dst`
  /// the band's own rows, `source` (empty for none) the source term laid out like `dst`. Refreshes
  /// the ghost columns of `dst`. Throws if any length does not match.
  #[napi]
  pub fn step(&self, src: &[f64], mut dst: Float64ArraySlice, source: &[f64], rows: u32) -> Result<()> {
    check_disjoint("dst", &dst, &[("src", src), ("source", source)])?;
    // SAFETY: `dst` is a view the calling worker owns exclusively for the duration of this call: the
    // solver hands each worker a subarray of only the rows it writes, and no other thread writes or
    // reads those rows until the barrier that follows this step. It does not overlap `src` or `source`
    // (checked above), so this is the only reference to that memory.
    let dst = unsafe { dst.as_mut() };
    let source = if source.is_empty() { None } else { Some(source) };
    kernel::step_band(src, dst, source, rows as usize, &self.stencil)?;
    Ok(())
  }
}

/// Writes a ghost row: target\[k\] = from\[k\] − offset for the node columns. Both are padded rows of
/// the same length; throws otherwise.
#[napi]
pub fn fill_ghost_row(mut target: Float64ArraySlice, from: &[f64], offset: f64) -> Result<()> {
  if target.len() != from.len() || target.len() < 3 {
    return Err(
      KernelError::Length {
        what: "ghost row",
        expected: from.len().max(3),
        actual: target.len(),
      }
      .into(),
    );
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
      return Err(Error::new(
        Status::InvalidArg,
        format!("{name} overlaps {other}: views must not share memory"),
      ));
    }
  }
  Ok(())
}
