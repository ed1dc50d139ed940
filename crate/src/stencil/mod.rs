//! One explicit (FTCS) step of the 5-point heat stencil over a band of rows of a halo-padded field:
//!
//!   u′ = u + rx·(u_w − 2u + u_e) + ry·(u_s − 2u + u_n) [+ dt·f],   rx = α·dt/dx², ry = α·dt/dy².
//!
//! The expression is evaluated in exactly this order, without fused multiply-adds, so that the pure
//! TypeScript kernel produces the same bits. `ftcs` holds the row loop, compiled once per
//! instruction set; this module checks shapes and walks the rows.
//!
//! A variable diffusivity uses the conservative form instead (`variable`), with rx = dt/dx² and
//! ry = dt/dy² and the α of each face read from [`Faces`]:
//!
//!   u′ = u + rx·(α_e(u_e − u) − α_w(u − u_w)) + ry·(α_n(u_n − u) − α_s(u − u_s)) [+ dt·f].

mod ftcs;
pub mod lines;
pub mod lines_variable;
mod variable;

pub use ftcs::{all_finite, Isa};

use crate::boundary::{fill_ghost_columns, fill_ghost_columns_with, CellCoefficients, GhostRule};
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

/// A variable diffusivity, precomputed once per run: four arrays laid out like the padded field.
/// `east[p]` is the α of the face between padded cells p and p + 1 (the harmonic mean of the two
/// nodes), `north[p]` that between p and p + stride; the halo entries hold the faces to the ghost
/// cells (mirrored, or wrapped on a periodic axis). `ghost_b` and `ghost_c` hold each ghost cell's
/// mirror coefficients (see [`CellCoefficients`]). Sliced like `src` wherever a band is stepped.
#[derive(Clone, Copy, Debug)]
pub struct Faces<'a> {
  pub east: &'a [f64],
  pub north: &'a [f64],
  pub ghost_b: &'a [f64],
  pub ghost_c: &'a [f64],
}

impl<'a> Faces<'a> {
  /// Splits one buffer of four equal fields (east, north, ghost b, ghost c) of `len` values each;
  /// `None` if `all` is not 4·len long.
  #[must_use]
  pub fn split(all: &'a [f64], len: usize) -> Option<Self> {
    if len.checked_mul(4) != Some(all.len()) {
      return None;
    }
    let (east, rest) = all.split_at(len);
    let (north, rest) = rest.split_at(len);
    let (ghost_b, ghost_c) = rest.split_at(len);
    Some(Self { east, north, ghost_b, ghost_c })
  }

  /// The same range of each array.
  #[must_use]
  pub fn range(&self, range: std::ops::Range<usize>) -> Self {
    Self {
      east: &self.east[range.clone()],
      north: &self.north[range.clone()],
      ghost_b: &self.ghost_b[range.clone()],
      ghost_c: &self.ghost_c[range],
    }
  }

  /// The ghost coefficients of padded row `row` (rows of `stride`).
  #[must_use]
  pub fn cells(&self, row: usize, stride: usize) -> CellCoefficients<'a> {
    let span = row * stride..(row + 1) * stride;
    CellCoefficients { b: &self.ghost_b[span.clone()], c: &self.ghost_c[span] }
  }

  fn len(&self) -> usize {
    self.east.len()
  }
}

/// Advances `rows` padded rows by one step.
///
/// `src` holds the band's rows plus one halo row above and below ((rows + 2)·stride values), `dst`
/// the band's own rows (rows·stride values), and `source`, when present, dt-free source values f laid
/// out like `dst`; `faces`, for a variable diffusivity, arrays sliced like `src`. After each row is computed its ghost columns are refreshed, so `dst` is ready to be
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
  faces: Option<&Faces>,
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
  if let Some(faces) = faces {
    if [faces.east, faces.north, faces.ghost_b, faces.ghost_c].iter().any(|a| a.len() != faces.len()) {
      return Err(KernelError::Argument {
        what: "faces",
        expected: "four arrays of one length",
        actual: String::new(),
      });
    }
    check_len("faces", faces.east, src.len())?;
  }
  let isa = Isa::detect();
  let mut finite = true;
  for (r, out) in dst.chunks_exact_mut(stride).enumerate() {
    let rows3 = r * stride..(r + 3) * stride;
    let halo = &src[rows3.clone()];
    let f = source.map(|s| &s[r * stride..(r + 1) * stride]);
    if let Some(faces) = faces {
      let near = faces.range(rows3);
      finite &= isa.step_row_variable(halo, out, f, &near, stencil);
      fill_ghost_columns_with(out, stencil.nx, stencil.left, stencil.right, near.cells(1, stride));
    } else {
      finite &= isa.step_row(halo, out, f, stencil);
      fill_ghost_columns(out, stencil.nx, stencil.left, stencil.right);
    }
  }
  Ok(finite)
}
