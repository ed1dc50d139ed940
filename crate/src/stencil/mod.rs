//! One explicit (FTCS) step of the 5-point heat stencil over a band of rows of a halo-padded field:
//!
//!   u′ = u + rx·(u_w − 2u + u_e) + ry·(u_s − 2u + u_n) [+ dt·f],   rx = α·dt/dx², ry = α·dt/dy².
//!
//! The expression is evaluated in exactly this order, without fused multiply-adds, so that the pure
//! TypeScript kernel produces the same bits. `ftcs` holds the row loop, compiled once per
//! instruction set; this module checks shapes and walks the rows.

mod ftcs;
pub mod lines;

pub use ftcs::{all_finite, Isa};

use crate::boundary::{fill_ghost_columns, GhostRule};
use crate::error::{check_len, KernelError};

/// Everything a band step needs besides the two buffers. Built once per run and reused every step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stencil {
  /// Nodes per row; padded rows have nx + 2 values.
  pub nx: usize,
  /// First and last node column updated (inclusive): Dirichlet columns are left alone.
  pub first: usize,
  pub last: usize,
  /// α·dt/dx² and α·dt/dy².
  pub rx: f64,
  pub ry: f64,
  /// The time step, which scales the source term.
  pub dt: f64,
  /// The left and right ghost columns.
  pub left: GhostRule,
  pub right: GhostRule,
}

impl Stencil {
  /// Checks the shape and coefficients, so that a step cannot index out of bounds.
  ///
  /// # Errors
  /// A [`KernelError::Argument`] naming the first argument out of range.
  pub fn validate(&self) -> Result<(), KernelError> {
    let fail = |what, expected, actual: String| Err(KernelError::Argument { what, expected, actual });
    if self.nx < 2 {
      return fail("nx", "at least 2", self.nx.to_string());
    }
    if self.first > self.last || self.last >= self.nx {
      return fail("columns", "first <= last < nx", format!("first {} last {}", self.first, self.last));
    }
    for (what, value) in [("rx", self.rx), ("ry", self.ry), ("dt", self.dt)] {
      if !value.is_finite() {
        return fail(what, "a finite number", value.to_string());
      }
    }
    for (what, rule) in [("left", self.left), ("right", self.right)] {
      if !rule.is_valid() {
        return fail(what, "a ghost rule with finite a, b and c", format!("{rule:?}"));
      }
    }
    Ok(())
  }

  /// Values in one padded row.
  #[must_use]
  pub fn stride(&self) -> usize {
    self.nx + 2
  }
}

/// Advances `rows` padded rows by one step.
///
/// `src` holds the band's rows plus one halo row above and below ((rows + 2)·stride values), `dst`
/// the band's own rows (rows·stride values), and `source`, when present, dt-free source values f laid
/// out like `dst`. After each row is computed its ghost columns are refreshed, so `dst` is ready to be
/// the next step's source.
///
/// Returns whether every updated value is finite.
///
/// # Errors
/// A [`KernelError`] if the stencil is invalid or a buffer's length does not match `rows`.
pub fn step_band(
  src: &[f64],
  dst: &mut [f64],
  source: Option<&[f64]>,
  rows: usize,
  stencil: &Stencil,
) -> Result<bool, KernelError> {
  stencil.validate()?;
  let stride = stencil.stride();
  check_len("src", src, (rows + 2) * stride)?;
  check_len("dst", dst, rows * stride)?;
  if let Some(source) = source {
    check_len("source", source, rows * stride)?;
  }
  let isa = Isa::detect();
  let mut finite = true;
  for (r, out) in dst.chunks_exact_mut(stride).enumerate() {
    let halo = &src[r * stride..(r + 3) * stride];
    let f = source.map(|s| &s[r * stride..(r + 1) * stride]);
    finite &= isa.step_row(halo, out, f, stencil);
    fill_ghost_columns(out, stencil.nx, stencil.left, stencil.right);
  }
  Ok(finite)
}
