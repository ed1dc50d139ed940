//! The N-API surface of the stencil: ghost rules, `StencilKernel` and `fillGhostRow`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::check_disjoint;
use crate::boundary::{self, GhostRule};
use crate::error::KernelError;
use crate::grid;
use crate::stencil::{step_band, Stencil};

/// The kind of a ghost rule.
#[napi(string_enum = "lowercase")]
#[derive(Debug, PartialEq, Eq)]
pub enum NapiGhostKind {
  /// Nothing reads this ghost (a Dirichlet side).
  None,
  /// ghost = a·u_inside + b·u_boundary + c (Neumann: a = 1, b = 0, c = −2h·q/α).
  Mirror,
  /// ghost = the node on the opposite side (periodic).
  Wrap,
}

/// How one side's ghost cells are refreshed: ghost = a·u_inside + b·u_boundary + c for a mirror,
/// evaluated left to right without fused multiply-adds; `a`, `b` and `c` are ignored otherwise.
#[napi(object)]
pub struct NapiGhostRule {
  /// 'none', 'mirror' or 'wrap' (spelled out so that plain strings type-check whether or not the
  /// build emits `NapiGhostKind` as a const enum).
  #[napi(ts_type = "'none' | 'mirror' | 'wrap'")]
  pub kind: NapiGhostKind,
  /// Weight of the node one inside the boundary.
  pub a: f64,
  /// Weight of the boundary node.
  pub b: f64,
  /// The constant term.
  pub c: f64,
}

impl NapiGhostRule {
  /// The checked rule: a mirror needs finite a, b and c. `what` names the rule in the error.
  pub(super) fn to_rule(&self, what: &'static str) -> std::result::Result<GhostRule, KernelError> {
    let rule = match self.kind {
      NapiGhostKind::None => GhostRule::None,
      NapiGhostKind::Mirror => GhostRule::Mirror { a: self.a, b: self.b, c: self.c },
      NapiGhostKind::Wrap => GhostRule::Wrap,
    };
    if rule.is_valid() {
      Ok(rule)
    } else {
      let actual = format!("a {}, b {}, c {}", self.a, self.b, self.c);
      Err(KernelError::Argument { what, expected: "a mirror with finite a, b and c", actual })
    }
  }
}

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
  /// The left ghost column.
  pub left: NapiGhostRule,
  /// The right ghost column.
  pub right: NapiGhostRule,
}

impl TryFrom<&NapiStencil> for Stencil {
  type Error = KernelError;
  fn try_from(s: &NapiStencil) -> std::result::Result<Self, KernelError> {
    let stencil = Stencil {
      nx: s.nx as usize,
      first: s.first as usize,
      last: s.last as usize,
      rx: s.rx,
      ry: s.ry,
      dt: s.dt,
      left: s.left.to_rule("left")?,
      right: s.right.to_rule("right")?,
    };
    stencil.validate()?;
    Ok(stencil)
  }
}

/// A stencil checked once and reused for every step of a run.
#[napi]
pub struct StencilKernel {
  pub(super) stencil: Stencil,
}

#[napi]
impl StencilKernel {
  /// Checks the stencil; throws if a size or coefficient is out of range.
  #[napi(constructor)]
  pub fn new(stencil: NapiStencil) -> Result<Self> {
    Ok(Self { stencil: Stencil::try_from(&stencil)? })
  }

  /// One FTCS step of `rows` padded rows: `src` is the band plus one halo row on each side, `dst`
  /// the band's own rows, `source` (empty for none) the source term laid out like `dst`. Refreshes
  /// the ghost columns of `dst`. Returns whether every updated value is finite. Throws if any length
  /// does not match or `dst` overlaps another view.
  #[napi]
  pub fn step(&self, src: &[f64], mut dst: Float64ArraySlice, source: &[f64], rows: u32) -> Result<bool> {
    grid::check_band(self.stencil.nx, rows as usize, src.len(), dst.len(), source.len())?;
    check_disjoint("dst", &dst, &[("src", src), ("source", source)])?;
    // SAFETY: `dst` is a view the calling worker owns exclusively for the duration of this call: the
    // solver hands each worker a subarray of only the rows it writes, and no other thread writes or
    // reads those rows until the barrier that follows this step. It does not overlap `src` or `source`
    // (checked above), so this is the only reference to that memory.
    let dst = unsafe { dst.as_mut() };
    let source = if source.is_empty() { None } else { Some(source) };
    Ok(step_band(src, dst, source, None, rows as usize, &self.stencil)?)
  }
}

/// Writes a ghost row by `rule` for the node columns (the corners are left alone): a mirror sets
/// target\[k\] = a·inside\[k\] + b·boundary\[k\] + c, a wrap copies `inside` (the opposite row) and
/// ignores `boundary`, which may then be empty. All are padded rows of the same length; throws
/// otherwise, or if `target` shares memory with a row it reads.
#[napi]
pub fn fill_ghost_row(
  mut target: Float64ArraySlice,
  inside: &[f64],
  boundary: &[f64],
  rule: NapiGhostRule,
) -> Result<()> {
  let rule = rule.to_rule("rule")?;
  if target.len() != inside.len() || target.len() < 3 {
    return Err(KernelError::Length { what: "ghost row", expected: inside.len().max(3), actual: target.len() }.into());
  }
  let reads_boundary = boundary::reads_boundary(rule);
  if reads_boundary && boundary.len() != target.len() {
    return Err(KernelError::Length { what: "boundary row", expected: target.len(), actual: boundary.len() }.into());
  }
  let boundary = if reads_boundary { boundary } else { &[] };
  check_disjoint("target", &target, &[("inside", inside), ("boundary", boundary)])?;
  // SAFETY: the ghost row belongs to the one worker that owns the rows it is made from; nothing
  // else touches it until the next barrier, and it overlaps neither row it reads (checked above).
  let target = unsafe { target.as_mut() };
  boundary::fill_ghost_row(target, inside, boundary, rule);
  Ok(())
}
