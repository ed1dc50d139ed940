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
//!
//! On a 3D grid (a [`Plane`] in the stencil) the band's units are padded planes rather than rows, and
//! `seven` steps them with the 7-point stencil, + rz·(u_b − 2u + u_f) after the y term.

pub mod cells;
mod ftcs;
#[cfg(target_arch = "x86_64")]
mod ftcs512;
mod isa;
pub mod lines;
pub mod lines_variable;
pub mod plane_lines;
pub mod plane_lines_variable;
mod seven;
mod summed;
mod variable;

pub use ftcs::all_finite;
pub use isa::Isa;

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
  /// A 3D grid: the in-plane shape and the z coefficient; the band's units are then planes.
  pub plane: Option<Plane>,
}

/// The in-plane shape of a 3D step: a padded plane is (ny + 2) rows of nx + 2 values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plane {
  /// Node rows per plane.
  pub ny: usize,
  /// First and last node row updated (inclusive): Dirichlet rows are left alone.
  pub first_row: usize,
  pub last_row: usize,
  /// α·dt/dz².
  pub rz: f64,
  /// The bottom and top ghost rows of each plane.
  pub bottom: GhostRule,
  pub top: GhostRule,
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
    match self.plane {
      Some(plane) => plane.validate(self.nx),
      None => Ok(()),
    }
  }

  /// Values in one padded row.
  #[must_use]
  pub fn row(&self) -> usize {
    self.nx + 2
  }

  /// Values in one band unit: a padded row, or in 3D a padded plane (validated not to overflow).
  #[must_use]
  pub fn stride(&self) -> usize {
    match self.plane {
      Some(plane) => (plane.ny + 2) * (self.nx + 2),
      None => self.nx + 2,
    }
  }
}

impl Plane {
  fn validate(&self, nx: usize) -> Result<(), KernelError> {
    let fail = |what, expected, actual: String| Err(KernelError::Argument { what, expected, actual });
    if self.ny < 2 || self.ny.checked_add(2).and_then(|r| r.checked_mul(nx + 2)).is_none() {
      return fail("plane.ny", "at least 2, and a plane that fits in memory", self.ny.to_string());
    }
    if self.first_row > self.last_row || self.last_row >= self.ny {
      let actual = format!("first {} last {}", self.first_row, self.last_row);
      return fail("plane rows", "first <= last < ny", actual);
    }
    if !self.rz.is_finite() {
      return fail("rz", "a finite number", self.rz.to_string());
    }
    for (what, rule) in [("bottom", self.bottom), ("top", self.top)] {
      if !rule.is_valid() {
        return fail(what, "a ghost rule with finite a, b and c", format!("{rule:?}"));
      }
    }
    Ok(())
  }
}

/// A variable diffusivity, precomputed once per run: four arrays laid out like the padded field.
/// `east[p]` is the α of the face between padded cells p and p + 1 (the harmonic mean of the two
/// nodes), `north[p]` that between p and p + stride; the halo entries hold the faces to the ghost
/// cells (mirrored, or wrapped on a periodic axis). `ghost_b` and `ghost_c` hold each ghost cell's
/// mirror coefficients (see [`CellCoefficients`]). On a 3D grid a fifth, `up[p]`, the face between
/// p and p + plane (empty in 2D). Sliced like `src` wherever a band is stepped.
#[derive(Clone, Copy, Debug)]
pub struct Faces<'a> {
  pub east: &'a [f64],
  pub north: &'a [f64],
  pub ghost_b: &'a [f64],
  pub ghost_c: &'a [f64],
  pub up: &'a [f64],
}

impl<'a> Faces<'a> {
  /// Splits one buffer of four equal fields (east, north, ghost b, ghost c) of `len` values each, or
  /// five (then `up`, a 3D grid's); `None` if `all` is neither 4·len nor 5·len long.
  #[must_use]
  pub fn split(all: &'a [f64], len: usize) -> Option<Self> {
    let arrays = [4, 5].into_iter().find(|&n| len.checked_mul(n) == Some(all.len()))?;
    let (east, rest) = all.split_at(len);
    let (north, rest) = rest.split_at(len);
    let (ghost_b, rest) = rest.split_at(len);
    let (ghost_c, up) = rest.split_at(len);
    debug_assert_eq!(up.len(), (arrays - 4) * len);
    Some(Self { east, north, ghost_b, ghost_c, up })
  }

  /// The same range of each array (`up` stays empty in 2D).
  #[must_use]
  pub fn range(&self, range: std::ops::Range<usize>) -> Self {
    let up = if self.up.is_empty() { self.up } else { &self.up[range.clone()] };
    Self {
      east: &self.east[range.clone()],
      north: &self.north[range.clone()],
      ghost_b: &self.ghost_b[range.clone()],
      ghost_c: &self.ghost_c[range],
      up,
    }
  }

  /// The ghost coefficients of padded row `row` (rows of `stride`).
  #[must_use]
  pub fn cells(&self, row: usize, stride: usize) -> CellCoefficients<'a> {
    let span = row * stride..(row + 1) * stride;
    CellCoefficients { b: &self.ghost_b[span.clone()], c: &self.ghost_c[span] }
  }

  /// Checks that every array is `len` long, `up` too on a 3D grid (`three_d`) and empty otherwise.
  ///
  /// # Errors
  /// [`KernelError::Length`] naming the faces.
  pub fn check(&self, len: usize, three_d: bool) -> Result<(), KernelError> {
    let up = if three_d { len } else { 0 };
    let lengths = [(self.east.len(), len), (self.north.len(), len), (self.ghost_b.len(), len)];
    let lengths = lengths.into_iter().chain([(self.ghost_c.len(), len), (self.up.len(), up)]);
    match lengths.into_iter().find(|(actual, want)| actual != want) {
      Some((actual, expected)) => Err(KernelError::Length { what: "faces", expected, actual }),
      None => Ok(()),
    }
  }
}

/// Advances `rows` band units (padded rows; padded planes on a 3D grid) by one step.
///
/// `src` holds the band's units plus one halo unit above and below ((rows + 2)·stride values), `dst`
/// the band's own units (rows·stride values), and `source`, when present, dt-free source values f laid
/// out like `dst`; `faces`, for a variable diffusivity, arrays sliced like `src`. After each row is
/// computed its ghost columns are refreshed (in 3D, after each plane its in-plane halo), so `dst` is
/// ready to be the next step's source.
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
  let overflow =
    || KernelError::Argument { what: "rows", expected: "a band that fits in memory", actual: rows.to_string() };
  let want = rows.checked_add(2).and_then(|r| r.checked_mul(stride)).ok_or_else(overflow)?;
  check_len("src", src, want)?;
  check_len("dst", dst, rows * stride)?;
  if let Some(source) = source {
    check_len("source", source, rows * stride)?;
  }
  if let Some(faces) = faces {
    faces.check(src.len(), stencil.plane.is_some())?;
  }
  Ok(step_units(Isa::detect(), src, dst, source, faces, stencil))
}

/// [`step_band`] without its checks, on the instruction set `isa` (detected once by the caller): for a
/// run loop that steps one unit at a time and checked the band, stencil and views once (schedule/mod.rs),
/// so that a narrow row does not pay the checks every time. The lengths must be what `step_band` checks
/// (slices of other lengths panic, never read out of bounds).
#[must_use]
pub fn step_units(
  isa: Isa,
  src: &[f64],
  dst: &mut [f64],
  source: Option<&[f64]>,
  faces: Option<&Faces>,
  stencil: &Stencil,
) -> bool {
  let stride = stencil.stride();
  let mut finite = true;
  if let Some(plane) = stencil.plane {
    for (p, out) in dst.chunks_exact_mut(stride).enumerate() {
      let planes3 = p * stride..(p + 3) * stride;
      let f = source.map(|s| &s[p * stride..(p + 1) * stride]);
      let halo = &src[planes3.clone()];
      finite &= match faces {
        Some(faces) => isa.step_plane_variable(halo, out, f, &faces.range(planes3), stencil, &plane),
        None => isa.step_plane(halo, out, f, stencil, &plane),
      };
    }
    return finite;
  }
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
  finite
}
