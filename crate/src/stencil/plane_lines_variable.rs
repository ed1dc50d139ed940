//! The conservative operator's line solves of a Douglas–Gunn step (a varying α on a 3D grid), the twin
//! of lib/backends/js-dg-variable.ts: the same arithmetic in the same order. With h = dt/(2·spacing²)
//! per axis and the faces buffer's α (α_w = east\[c − 1\], α_e = east\[c\], and north, up likewise), every
//! line solves −lo·u\[k−1\] + (1 + (lo + hi))·u\[k\] − hi·u\[k+1\] = d\[k\] (lo = h·α_w, hi = h·α_e along its
//! axis), its pivots computed as the sweep goes and the modified upper coefficients kept in `up` for the
//! back sweep. A mirror end takes its ghost cell's own b and c. No axis is periodic here.

use crate::boundary::GhostRule;
use crate::stencil::cells::Cells;
use crate::stencil::lines::LineAxis;
use crate::stencil::plane_lines::{ghost_units, PlaneLines};
use crate::stencil::Faces;

/// A mirror ghost with the cell's own b and c: a·inside + c when the rule reads no boundary node.
#[inline]
fn mirrored_cell(rule: GhostRule, b: f64, c: f64, inside: f64, boundary: f64) -> f64 {
  match rule {
    GhostRule::Mirror { a, b: rb, .. } => {
      if rb == 0.0 {
        a * inside + c
      } else {
        a * inside + b * boundary + c
      }
    }
    GhostRule::None | GhostRule::Wrap => inside,
  }
}

/// The rule's a (0 for a side without a mirror ghost, whose end is fixed).
fn a_of(rule: GhostRule) -> f64 {
  if let GhostRule::Mirror { a, .. } = rule {
    a
  } else {
    0.0
  }
}

/// One mirror ghost cell, from `inside` and `boundary`, with its own coefficients.
#[inline]
fn ghost(out: Cells, faces: &Faces, rule: GhostRule, target: usize, inside: usize, boundary: usize) {
  if let GhostRule::Mirror { .. } = rule {
    let v = mirrored_cell(rule, faces.ghost_b[target], faces.ghost_c[target], out.get(inside), out.get(boundary));
    out.set(target, v);
  }
}

/// uⁿ's bottom and top ghost rows of the plane at `base`, each cell with its own b and c.
pub fn plane_ghost_rows_variable(l: &PlaneLines, faces: &Faces, src: Cells, base: usize) {
  let (x, stride) = (&l.x, l.stride());
  for (target, inside, boundary, rule) in ghost_units(l.ny, l.bottom, l.top).into_iter().flatten() {
    for i in x.first + 1..=x.first + x.count {
      ghost(src, faces, rule, base + target * stride + i, base + inside * stride + i, base + boundary * stride + i);
    }
  }
}

/// uⁿ⁺¹'s ghost columns of node rows [start, end) in the evolving planes, then its ghost planes' cells.
pub fn rows_halo_variable(l: &PlaneLines, faces: &Faces, out: Cells, (start, end): (usize, usize)) {
  let (x, z, nx, stride, plane) = (&l.x, &l.z, l.nx, l.stride(), l.plane());
  for k in z.first + 1..=z.first + z.count {
    for j in start + 1..=end {
      let row = k * plane + j * stride;
      ghost(out, faces, l.left, row, row + 2, row + 1);
      ghost(out, faces, l.right, row + nx + 1, row + nx - 1, row + nx);
    }
  }
  for (target, inside, boundary, rule) in ghost_units(l.nz, l.back, l.front).into_iter().flatten() {
    for j in start + 1..=end {
      for i in j * stride + x.first + 1..=j * stride + x.first + x.count {
        ghost(out, faces, rule, target * plane + i, inside * plane + i, boundary * plane + i);
      }
    }
  }
}

/// A row of a line's system, −low·u\[k−1\] + diag·u\[k\] − upper·u\[k+1\] = d, with its ends folded in:
/// a fixed neighbour's value (`near`), or the mirror ghost's a, b and c at ghost cell `g`.
struct Row {
  low: f64,
  diag: f64,
  upper: f64,
  d: f64,
}

impl Row {
  fn interior(lo: f64, hi: f64, d: f64) -> Self {
    Self { low: lo, diag: 1.0 + (lo + hi), upper: hi, d }
  }

  /// The first unknown's end: a fixed neighbour (`near` reads it), or the mirror ghost at cell `g`.
  fn low_end(&mut self, axis: &LineAxis, lo: f64, a: f64, faces: &Faces, g: usize, near: impl Fn() -> f64) {
    if axis.low.fixed {
      self.d += lo * near();
    } else {
      self.diag -= lo * faces.ghost_b[g];
      self.upper += lo * a;
      self.d += lo * faces.ghost_c[g];
    }
  }

  /// The last unknown's end, likewise.
  fn high_end(&mut self, axis: &LineAxis, hi: f64, a: f64, faces: &Faces, g: usize, near: impl Fn() -> f64) {
    if axis.high.fixed {
      self.d += hi * near();
    } else {
      self.diag -= hi * faces.ghost_b[g];
      self.low += hi * a;
      self.d += hi * faces.ghost_c[g];
    }
  }
}

/// The x-line of the padded row at `base`: u* into `dst` from uⁿ (`src`) and weight·f; `up` holds the
/// line's modified upper coefficients (x.count values).
#[expect(clippy::too_many_arguments, reason = "the twin of the TS kernel's signature: views, weight, row, scratch")]
pub fn solve_x_row_variable(
  l: &PlaneLines,
  faces: &Faces,
  src: Cells,
  dst: Cells,
  f: Option<&[f64]>,
  weight: f64,
  base: usize,
  up: &mut [f64],
) {
  let (x, stride, plane) = (&l.x, l.stride(), l.plane());
  let (east, north, front) = (faces.east, faces.north, faces.up);
  let (h, ty, tz, m, c0) = (x.half, 2.0 * l.y.half, 2.0 * l.z.half, x.count, base + x.first + 1);
  let mut prev = 0.0;
  for k in 0..m {
    let c = c0 + k;
    let u = src.get(c);
    let mut d = u
      + h * (east[c] * (src.get(c + 1) - u) - east[c - 1] * (u - src.get(c - 1)))
      + ty * (north[c] * (src.get(c + stride) - u) - north[c - stride] * (u - src.get(c - stride)))
      + tz * (front[c] * (src.get(c + plane) - u) - front[c - plane] * (u - src.get(c - plane)));
    if let Some(f) = f {
      d += weight * f[c];
    }
    let (lo, hi) = (h * east[c - 1], h * east[c]);
    let mut row = Row::interior(lo, hi, d);
    if k == 0 {
      row.low_end(x, lo, a_of(l.left), faces, c - 1, || dst.get(c - 1));
    }
    if k == m - 1 {
      row.high_end(x, hi, a_of(l.right), faces, c + 1, || dst.get(c + 1));
    }
    let inv = 1.0 / if k == 0 { row.diag } else { row.diag - row.low * up[k - 1] };
    up[k] = row.upper * inv;
    prev = if k == 0 { row.d } else { row.d + row.low * prev } * inv;
    dst.set(c, prev);
  }
  back_line(dst, c0, m, up);
}

/// The back sweep of a line of `m` unknowns from cell `c0`: x\[k\] = y\[k\] + up\[k\]·x\[k+1\].
fn back_line(dst: Cells, c0: usize, m: usize, up: &[f64]) {
  for k in (0..m - 1).rev() {
    dst.set(c0 + k, dst.get(c0 + k) + up[k] * dst.get(c0 + k + 1));
  }
}

/// Which axis a block of lines runs along.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Along {
  /// The y-lines of a plane.
  Y,
  /// The z-lines of a row.
  Z,
}

/// `width` lines along y or z from padded index `first`: `out` (holding u* or u**) ← (out − h·A uⁿ)
/// solved along the axis; `up` holds count·width modified upper coefficients.
pub fn solve_block_variable(
  l: &PlaneLines,
  faces: &Faces,
  along: Along,
  (src, out): (Cells, Cells),
  (first, width): (usize, usize),
  up: &mut [f64],
) {
  let (axis, step, face, low_a, high_a) = match along {
    Along::Y => (&l.y, l.stride(), faces.north, a_of(l.bottom), a_of(l.top)),
    Along::Z => (&l.z, l.plane(), faces.up, a_of(l.back), a_of(l.front)),
  };
  let (h, m) = (axis.half, axis.count);
  for k in 0..m {
    for n in 0..width {
      let c = first + k * step + n;
      let u = src.get(c);
      let d = out.get(c) - h * (face[c] * (src.get(c + step) - u) - face[c - step] * (u - src.get(c - step)));
      let (lo, hi) = (h * face[c - step], h * face[c]);
      let mut row = Row::interior(lo, hi, d);
      if k == 0 {
        row.low_end(axis, lo, low_a, faces, c - step, || out.get(c - step));
      }
      if k == m - 1 {
        row.high_end(axis, hi, high_a, faces, c + step, || out.get(c + step));
      }
      let inv = 1.0 / if k == 0 { row.diag } else { row.diag - row.low * up[(k - 1) * width + n] };
      up[k * width + n] = row.upper * inv;
      out.set(c, if k == 0 { row.d } else { row.d + row.low * out.get(c - step) } * inv);
    }
  }
  for k in (0..m - 1).rev() {
    for n in 0..width {
      let c = first + k * step + n;
      out.set(c, out.get(c) + up[k * width + n] * out.get(c + step));
    }
  }
}
