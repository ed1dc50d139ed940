//! The tridiagonal line solves of a Douglas–Gunn step on a 3D grid (the 'crank-nicolson' method with
//! nz), the twin of lib/backends/js-dg.ts: the same arithmetic in the same order, no fused multiply-adds.
//! With h = α·dt/(2·spacing²) on each axis and A = h·δ² (see lib/backends/lines3d.ts):
//!
//!   (1 − Ax) u*   = (1 + Ax + 2Ay + 2Az) uⁿ + dt·f     x-lines of a plane
//!   (1 − Ay) u**  = u*  − Ay uⁿ                          y-lines of a plane
//!   (1 − Az) uⁿ⁺¹ = u** − Az uⁿ                          z-lines of a block of rows
//!
//! Every right-hand side reads u*, u** only at its own node, so all three go into one buffer in place.
//! The axes' systems are factored once per dt by the stepper ([`LineAxis`]); the kernels only sweep.
//!
//! Workers share both buffers and, within a phase, read and write disjoint cells of the same planes
//! (a worker fills uⁿ's ghost rows of its planes while its neighbours read those planes' nodes), so
//! the buffers are addressed cell by cell through [`Cells`], never as slices. Nothing here allocates.

use crate::boundary::GhostRule;
use crate::error::KernelError;
pub use crate::stencil::cells::Cells;
use crate::stencil::lines::{Cyclic, LineAxis};

/// A Douglas–Gunn step of dt, checked once per run request.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaneLines {
  pub nx: usize,
  pub ny: usize,
  pub nz: usize,
  /// The weight of the source in the x-lines' right-hand side.
  pub dt: f64,
  /// The conservative operator over a faces buffer (a varying α, see `plane_lines_variable`): the
  /// axes' `half` are dt/(2·spacing²), their factors are empty, and no side wraps.
  pub variable: bool,
  pub x: LineAxis,
  pub y: LineAxis,
  pub z: LineAxis,
  pub left: GhostRule,
  pub right: GhostRule,
  pub bottom: GhostRule,
  pub top: GhostRule,
  pub back: GhostRule,
  pub front: GhostRule,
}

fn argument(what: &'static str, expected: &'static str, actual: String) -> KernelError {
  KernelError::Argument { what, expected, actual }
}

impl PlaneLines {
  /// Checks shapes, coefficients and rules, so that no sweep can index outside a field of `len()` values.
  ///
  /// # Errors
  /// A [`KernelError`] naming the first thing out of range.
  pub fn validate(&self) -> Result<(), KernelError> {
    let (nx, ny, nz) = (self.nx, self.ny, self.nz);
    let len = nx.checked_add(2).and_then(|s| s.checked_mul(ny.checked_add(2)?)?.checked_mul(nz.checked_add(2)?));
    if nx < 2 || ny < 2 || nz < 2 || len.is_none() {
      return Err(argument("grid", "at least 2 × 2 × 2 nodes", format!("{nx} × {ny} × {nz}")));
    }
    if !self.dt.is_finite() {
      return Err(argument("dt", "a finite number", self.dt.to_string()));
    }
    self.x.validate("x", nx, self.variable)?;
    self.y.validate("y", ny, self.variable)?;
    self.z.validate("z", nz, self.variable)?;
    let rules = [
      ("left", self.left),
      ("right", self.right),
      ("bottom", self.bottom),
      ("top", self.top),
      ("back", self.back),
      ("front", self.front),
    ];
    for (what, rule) in rules {
      if self.variable && rule == GhostRule::Wrap {
        return Err(argument(what, "no periodic side with the conservative operator", format!("{rule:?}")));
      }
      if !rule.is_valid() {
        return Err(argument(what, "a ghost rule with finite a, b and c", format!("{rule:?}")));
      }
    }
    Ok(())
  }

  /// Values in one padded row.
  #[must_use]
  pub fn stride(&self) -> usize {
    self.nx + 2
  }

  /// Values in one padded plane.
  #[must_use]
  pub fn plane(&self) -> usize {
    self.stride() * (self.ny + 2)
  }

  /// Values in a padded field.
  #[must_use]
  pub fn len(&self) -> usize {
    self.plane() * (self.nz + 2)
  }

  /// Never: a validated grid has nodes.
  #[must_use]
  pub fn is_empty(&self) -> bool {
    self.len() == 0
  }
}

/// One ghost cell by its rule: a copy (wrap) or a·inside + b·boundary + c (mirror); `None` leaves it.
#[inline]
fn ghost_cell(out: Cells, rule: GhostRule, target: usize, inside: usize, boundary: usize) {
  match rule {
    GhostRule::None => {}
    GhostRule::Wrap => out.set(target, out.get(inside)),
    GhostRule::Mirror { a, b, c } => {
      let v = if b == 0.0 { a * out.get(inside) + c } else { a * out.get(inside) + b * out.get(boundary) + c };
      out.set(target, v);
    }
  }
}

/// The ghost units (target, inside, boundary, rule) of `n` node units between two rules, as
/// lib/model/field.ts's ghostUnits: mirror from units 2 and 1 (n − 1 and n), wrap from the far side.
pub(crate) fn ghost_units(n: usize, low: GhostRule, high: GhostRule) -> [Option<(usize, usize, usize, GhostRule)>; 2] {
  let unit = |rule, target, mirror: (usize, usize), wrap| match rule {
    GhostRule::None => None,
    GhostRule::Mirror { .. } => Some((target, mirror.0, mirror.1, rule)),
    GhostRule::Wrap => Some((target, wrap, wrap, rule)),
  };
  [unit(low, 0, (2, 1), n), unit(high, n + 1, (n - 1, n), 1)]
}

/// uⁿ's bottom and top ghost rows of the padded plane at `base`, over the x-lines' columns.
pub fn plane_ghost_rows(l: &PlaneLines, src: Cells, base: usize) {
  let (x, stride) = (&l.x, l.stride());
  for (target, inside, boundary, rule) in ghost_units(l.ny, l.bottom, l.top).into_iter().flatten() {
    for i in x.first + 1..=x.first + x.count {
      ghost_cell(src, rule, base + target * stride + i, base + inside * stride + i, base + boundary * stride + i);
    }
  }
}

/// The x-line of the padded row at `base`: u* into `dst` from uⁿ (`src`) and weight·f (dt, or the
/// step's dt·g(t) for a separable source of t).
pub fn solve_x_row(l: &PlaneLines, src: Cells, dst: Cells, f: Option<&[f64]>, weight: f64, base: usize) {
  solve_x_rows::<1>(l, src, dst, f, weight, base);
}

/// The x-lines of N consecutive padded rows from `base`, swept in lockstep (N independent recurrences
/// in flight, so the sweeps are not bound by the latency of one); each row's arithmetic is
/// `solve_x_row`'s, in the same order.
#[inline(never)]
pub fn solve_x_rows<const N: usize>(
  l: &PlaneLines,
  src: Cells,
  dst: Cells,
  f: Option<&[f64]>,
  weight: f64,
  base: usize,
) {
  let (x, stride, plane) = (&l.x, l.stride(), l.plane());
  let (m, half) = (x.count, x.half);
  let (ty, tz) = (2.0 * l.y.half, 2.0 * l.z.half);
  let c0: [usize; N] = std::array::from_fn(|r| base + r * stride + x.first + 1);
  let mut prev = [0.0; N];
  for k in 0..m {
    for r in 0..N {
      let c = c0[r] + k;
      let u = src.get(c);
      let mut d = u
        + half * (src.get(c - 1) - 2.0 * u + src.get(c + 1))
        + ty * (src.get(c - stride) - 2.0 * u + src.get(c + stride))
        + tz * (src.get(c - plane) - 2.0 * u + src.get(c + plane));
      if let Some(f) = f {
        d += weight * f[c];
      }
      d = ends(x, k, d, || dst.get(c - 1), || dst.get(c + 1));
      prev[r] = if k == 0 { d * x.inv[0] } else { (d - x.lower[k] * prev[r]) * x.inv[k] };
      dst.set(c, prev[r]);
    }
  }
  for k in (0..m - 1).rev() {
    for &c in &c0 {
      dst.set(c + k, dst.get(c + k) - x.upper[k] * dst.get(c + k + 1));
    }
  }
  if let Some(cyclic) = &x.cyclic {
    for &c in &c0 {
      cyclic_line(cyclic, dst, c, m);
    }
  }
}

/// Sherman–Morrison's correction of the periodic line of `m` unknowns from cell `c0`.
fn cyclic_line(cyclic: &Cyclic, dst: Cells, c0: usize, m: usize) {
  let g = (dst.get(c0) + cyclic.q * dst.get(c0 + m - 1)) * cyclic.scale;
  for k in 0..m {
    dst.set(c0 + k, dst.get(c0 + k) - g * cyclic.z[k]);
  }
}

/// The right-hand side's end terms for unknown `k` (`low` and `high` read the fixed neighbours).
#[inline]
fn ends(axis: &LineAxis, k: usize, mut d: f64, low: impl Fn() -> f64, high: impl Fn() -> f64) -> f64 {
  if k == 0 {
    d += if axis.low.fixed { axis.half * low() } else { axis.low.term };
  }
  if k == axis.count - 1 {
    d += if axis.high.fixed { axis.half * high() } else { axis.high.term };
  }
  d
}

/// A block of lines along y or z, swept together: `runs` runs of `width` consecutive lines, unknown 0
/// of run r's first line at padded index first + r·run_stride, unknown k at + k·step.
#[derive(Clone, Copy, Debug)]
pub struct Block<'a> {
  pub axis: &'a LineAxis,
  pub step: usize,
  pub first: usize,
  pub runs: usize,
  pub run_stride: usize,
  pub width: usize,
}

impl Block<'_> {
  /// The first cell of run r at unknown k.
  #[inline]
  fn at(&self, r: usize, k: usize) -> usize {
    self.first + r * self.run_stride + k * self.step
  }
}

/// Forward sweep of a block: `out` (holding u* or u**) ← (out − h·δ²uⁿ) solved along the axis.
///
/// Each run of lines is swept as row segments: the segments of `out` at unknowns k − 1, k (and k + 1 at
/// the last) and of `src` at k − 1, k, k + 1, which the phases' division of cells keeps from any write
/// by another thread (see schedule/dg.rs), and the segment at k from any other access.
pub fn forward_block(b: &Block, src: Cells, out: Cells) {
  let (axis, step, w) = (b.axis, b.step, b.width);
  let (m, half) = (axis.count, axis.half);
  for k in 0..m {
    let (inv, lower, low_end, high_end) = (axis.inv[k], axis.lower[k], k == 0, k == m - 1);
    for r in 0..b.runs {
      let s = b.at(r, k);
      // SAFETY: the segments lie in the validated field; as above, nobody writes them meanwhile, and
      // the one mutable segment (at k) overlaps none of the others (step ≥ nx + 2 > w).
      let (below, centre, above, prev, next, cur) = unsafe {
        let next = if high_end { out.slice(s + step, w) } else { out.slice(s - step, w) };
        let cells = (src.slice(s - step, w), src.slice(s, w), src.slice(s + step, w));
        (cells.0, cells.1, cells.2, out.slice(s - step, w), next, out.slice_mut(s, w))
      };
      for n in 0..w {
        let mut d = cur[n] - half * (below[n] - 2.0 * centre[n] + above[n]);
        if low_end {
          d += if axis.low.fixed { half * prev[n] } else { axis.low.term };
        }
        if high_end {
          d += if axis.high.fixed { half * next[n] } else { axis.high.term };
        }
        cur[n] = if low_end { d * inv } else { (d - lower * prev[n]) * inv };
      }
    }
  }
}

/// Back sweep of a block, then the cyclic correction (`scratch` holds one factor per line, at index −
/// first: the caller gives at least `(runs − 1)·run_stride + width` values).
pub fn back_block(b: &Block, out: Cells, scratch: &mut [f64]) {
  let (axis, step, m) = (b.axis, b.step, b.axis.count);
  for k in (0..m - 1).rev() {
    let upper = axis.upper[k];
    for r in 0..b.runs {
      let s = b.at(r, k);
      // SAFETY: as in `forward_block`: two disjoint segments of this thread's cells.
      let (cur, next) = unsafe { (out.slice_mut(s, b.width), out.slice(s + step, b.width)) };
      for (v, &x) in cur.iter_mut().zip(next) {
        *v -= upper * x;
      }
    }
  }
  let Some(cyclic) = &axis.cyclic else { return };
  for r in 0..b.runs {
    let s = b.at(r, 0);
    for c in s..s + b.width {
      scratch[c - b.first] = (out.get(c) + cyclic.q * out.get(c + (m - 1) * step)) * cyclic.scale;
    }
  }
  for (k, &z) in cyclic.z.iter().enumerate() {
    for r in 0..b.runs {
      let s = b.at(r, 0);
      for c in s..s + b.width {
        out.set(c + k * step, out.get(c + k * step) - scratch[c - b.first] * z);
      }
    }
  }
}

/// The y-lines of the padded plane at `base`: u** over u* in `mid`.
pub fn solve_plane_y(l: &PlaneLines, src: Cells, mid: Cells, base: usize, scratch: &mut [f64]) {
  let (x, y, stride) = (&l.x, &l.y, l.stride());
  let first = base + (y.first + 1) * stride + x.first + 1;
  let block = Block { axis: y, step: stride, first, runs: 1, run_stride: 0, width: x.count };
  forward_block(&block, src, mid);
  back_block(&block, mid, scratch);
}

/// The z-lines of node rows [start, end) in every plane: uⁿ⁺¹ over u** in `mid`; returns whether every
/// value is finite.
pub fn solve_rows_z(l: &PlaneLines, src: Cells, mid: Cells, (start, end): (usize, usize), scratch: &mut [f64]) -> bool {
  let (x, z, stride, plane) = (&l.x, &l.z, l.stride(), l.plane());
  if start >= end {
    return true;
  }
  let first = (z.first + 1) * plane + (start + 1) * stride + x.first + 1;
  let block = Block { axis: z, step: plane, first, runs: end - start, run_stride: stride, width: x.count };
  forward_block(&block, src, mid);
  back_block(&block, mid, scratch);
  rows_finite(l, mid, (start, end))
}

/// Whether every unknown of node rows [start, end) is finite.
#[must_use]
pub fn rows_finite(l: &PlaneLines, out: Cells, (start, end): (usize, usize)) -> bool {
  let (x, z, stride, plane) = (&l.x, &l.z, l.stride(), l.plane());
  let first = (z.first + 1) * plane + (start + 1) * stride + x.first + 1;
  let mut acc = 0.0;
  for k in 0..z.count {
    for r in 0..end.saturating_sub(start) {
      let s = first + k * plane + r * stride;
      for c in s..s + x.count {
        // x − x is 0 for a finite x and NaN otherwise.
        acc += out.get(c) - out.get(c);
      }
    }
  }
  acc == 0.0
}

/// uⁿ⁺¹'s ghost columns of node rows [start, end) in the evolving planes, then the ghost planes' cells
/// of those rows (over the x-lines' columns).
pub fn rows_halo(l: &PlaneLines, out: Cells, (start, end): (usize, usize)) {
  let (x, z, nx, stride, plane) = (&l.x, &l.z, l.nx, l.stride(), l.plane());
  for k in z.first + 1..=z.first + z.count {
    for j in start + 1..=end {
      let row = k * plane + j * stride;
      ghost_cell(out, side(l.left), row, row + 2, row + 1);
      if l.left == GhostRule::Wrap {
        out.set(row, out.get(row + nx));
      }
      ghost_cell(out, side(l.right), row + nx + 1, row + nx - 1, row + nx);
      if l.right == GhostRule::Wrap {
        out.set(row + nx + 1, out.get(row + 1));
      }
    }
  }
  for (target, inside, boundary, rule) in ghost_units(l.nz, l.back, l.front).into_iter().flatten() {
    for j in start + 1..=end {
      for i in j * stride + x.first + 1..=j * stride + x.first + x.count {
        ghost_cell(out, rule, target * plane + i, inside * plane + i, boundary * plane + i);
      }
    }
  }
}

/// A ghost column's mirror rule (a wrap is a copy from the far column, done by the caller).
fn side(rule: GhostRule) -> GhostRule {
  if rule == GhostRule::Wrap {
    GhostRule::None
  } else {
    rule
  }
}

#[cfg(test)]
#[path = "plane_lines_tests.rs"]
mod tests;
