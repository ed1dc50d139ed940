//! The tridiagonal line solves of a Peaceman–Rachford ADI step (the 'crank-nicolson' method). A half
//! step implicit along one axis solves, on every grid line of that axis,
//!
//!   −h·u\[k−1\] + (1 + 2h)·u\[k\] − h·u\[k+1\] = d\[k\],   h = α·dt/(2·spacing²),
//!
//! where d is the other axis's explicit half step. The matrix is the same for every line, so the
//! TypeScript stepper factors it once per dt (Thomas algorithm, and Sherman–Morrison for a periodic
//! axis) and both kernels only sweep: y\[k\] = (d\[k\] − lower\[k\]·y\[k−1\])·inv\[k\], then
//! x\[k\] = y\[k\] − upper\[k\]·x\[k+1\], in exactly that order, without fused multiply-adds, as the
//! TypeScript kernel (lib/backends/js-adi.ts) does.
//!
//! This is the constant-α path; a variable α (one matrix per line, factored as the sweep goes) is
//! `lines_variable`'s.
//!
//! An x-line is a padded row, solved in place in the destination. The y-lines of a block of columns
//! are swept together row by row (`forward_segment`, `back_segment`), so memory is read along rows.
//! Nothing here allocates.

use crate::boundary::GhostRule;
use crate::error::KernelError;

/// What bounds a line beyond its last unknown at one end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineEnd {
  /// The neighbour is a fixed node: d gains h·(its value), read from the field.
  pub fixed: bool,
  /// Otherwise added to d: h·c of the end's mirror rule (0 for a wrap).
  pub term: f64,
}

/// Sherman–Morrison's correction of a periodic axis: x = y − ((y\[0\] + q·y\[m−1\])·scale)·z.
#[derive(Clone, Debug, PartialEq)]
pub struct Cyclic {
  pub z: Vec<f64>,
  pub q: f64,
  pub scale: f64,
}

/// One axis's factored line system: `count` unknowns from node index `first`.
#[derive(Clone, Debug, PartialEq)]
pub struct LineAxis {
  pub first: usize,
  pub count: usize,
  /// h = α·dt/(2·spacing²).
  pub half: f64,
  pub lower: Vec<f64>,
  pub inv: Vec<f64>,
  pub upper: Vec<f64>,
  pub low: LineEnd,
  pub high: LineEnd,
  pub cyclic: Option<Cyclic>,
}

fn argument(what: &'static str, expected: &'static str, actual: String) -> KernelError {
  KernelError::Argument { what, expected, actual }
}

impl LineAxis {
  /// Checks that the axis fits `nodes` nodes and that every coefficient is finite.
  pub(crate) fn validate(&self, what: &'static str, nodes: usize, variable: bool) -> Result<(), KernelError> {
    let (first, m) = (self.first, self.count);
    let fixed_low = !self.low.fixed || first >= 1;
    let fixed_high = !self.high.fixed || first + m < nodes;
    if m == 0 || first + m > nodes || !fixed_low || !fixed_high {
      let actual =
        format!("first {first}, count {m}, {nodes} nodes, fixed ends {} {}", self.low.fixed, self.high.fixed);
      return Err(argument(what, "unknowns inside the axis, fixed neighbours on it", actual));
    }
    for (name, values) in [("lower", &self.lower), ("inv", &self.inv), ("upper", &self.upper)] {
      if values.len() != if variable { 0 } else { m } {
        return Err(KernelError::Length { what: name, expected: m, actual: values.len() });
      }
    }
    let cyclic = self.cyclic.as_ref();
    if variable && cyclic.is_some() {
      return Err(argument(what, "no factored cyclic system with the conservative operator", "one".to_owned()));
    }
    let scalars = [self.half, self.low.term, self.high.term, cyclic.map_or(0.0, |c| c.q + c.scale)];
    let mut all = self.lower.iter().chain(&self.inv).chain(&self.upper).chain(&scalars);
    if !all.all(|v| v.is_finite()) || cyclic.is_some_and(|c| !c.z.iter().all(|v| v.is_finite())) {
      return Err(argument(what, "finite coefficients", "a non-finite one".to_owned()));
    }
    if let Some(c) = cyclic {
      if c.z.len() != m || first != 0 || m != nodes || m < 3 {
        return Err(argument(
          what,
          "a cyclic system over the whole axis (3 nodes or more)",
          format!("z {}, first {first}, count {m}", c.z.len()),
        ));
      }
    }
    Ok(())
  }

  /// The right-hand side's end terms for unknown `k` (`low` and `high` the fixed neighbours' values).
  #[inline]
  fn ends(&self, k: usize, mut d: f64, low: f64, high: f64) -> f64 {
    if k == 0 {
      d += if self.low.fixed { self.half * low } else { self.low.term };
    }
    if k == self.count - 1 {
      d += if self.high.fixed { self.half * high } else { self.high.term };
    }
    d
  }
}

/// A Peaceman–Rachford step of dt, checked once per run request.
#[derive(Clone, Debug, PartialEq)]
pub struct Lines {
  pub nx: usize,
  pub ny: usize,
  /// dt/2, the weight of the source in each half step (unless a run gives one weight per step).
  pub half_dt: f64,
  /// The conservative operator over a faces buffer (see `lines_variable`): the axes' `half` are
  /// dt/(2·spacing²), their factors are empty and unused, and a wrap rule makes an axis periodic.
  pub variable: bool,
  pub x: LineAxis,
  pub y: LineAxis,
  pub left: GhostRule,
  pub right: GhostRule,
  pub bottom: GhostRule,
  pub top: GhostRule,
}

impl Lines {
  /// Checks shapes and coefficients, so that no sweep can index out of bounds.
  ///
  /// # Errors
  /// A [`KernelError`] naming the first thing out of range.
  pub fn validate(&self) -> Result<(), KernelError> {
    if self.nx < 2 || self.ny < 2 || self.nx.checked_add(2).and_then(|s| s.checked_mul(self.ny + 2)).is_none() {
      return Err(argument("grid", "at least 2 × 2 nodes", format!("{} × {}", self.nx, self.ny)));
    }
    if !self.half_dt.is_finite() {
      return Err(argument("halfDt", "a finite number", self.half_dt.to_string()));
    }
    self.x.validate("x", self.nx, self.variable)?;
    self.y.validate("y", self.ny, self.variable)?;
    let wraps = |rule: GhostRule, axis: &LineAxis, nodes: usize| {
      rule != GhostRule::Wrap || (axis.first == 0 && axis.count == nodes && nodes >= 3)
    };
    if self.variable && !(wraps(self.left, &self.x, self.nx) && wraps(self.bottom, &self.y, self.ny)) {
      return Err(argument("lines", "a periodic axis solved whole (3 nodes or more)", format!("{self:?}")));
    }
    for (what, rule) in [("left", self.left), ("right", self.right), ("bottom", self.bottom), ("top", self.top)] {
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
}

/// The x-line of one row: `src` is uⁿ's padded rows j−1, j, j+1 (3·stride values), `dst` u*'s padded
/// row j, `f` the source's padded row j. Writes the line's unknowns, then its ghost columns.
pub fn solve_row(lines: &Lines, src: &[f64], dst: &mut [f64], f: Option<&[f64]>) {
  solve_rows::<1>(lines, src, dst, f, lines.half_dt);
}

/// `len` values from `at`.
fn cut(values: &[f64], at: usize, len: usize) -> &[f64] {
  &values[at..at + len]
}

/// The x-lines of N consecutive rows at once (N independent recurrences in flight, so the sweeps are
/// not bound by the latency of one): `src` holds N + 2 padded rows of uⁿ, `dst` and `f` N rows each.
/// Every row's arithmetic is `solve_row`'s, in the same order; `weight` scales the source (dt/2, or
/// the step's dt/2·g(t)).
#[inline(never)]
pub fn solve_rows<const N: usize>(lines: &Lines, src: &[f64], dst: &mut [f64], f: Option<&[f64]>, weight: f64) {
  let (x, stride, hy, m) = (&lines.x, lines.stride(), lines.y.half, lines.x.count);
  let c0 = x.first + 1;
  let (lower, inv, upper) = (&x.lower[..m], &x.inv[..m], &x.upper[..m]);
  // Every view cut to the line's unknowns first, so that the sweeps need no bounds checks.
  let line = |values, r: usize| cut(values, r * stride + c0, m);
  let below: [&[f64]; N] = std::array::from_fn(|r| line(src, r));
  let centre: [&[f64]; N] = std::array::from_fn(|r| line(src, r + 1));
  let above: [&[f64]; N] = std::array::from_fn(|r| line(src, r + 2));
  let sources: Option<[&[f64]; N]> = f.map(|f| std::array::from_fn(|r| line(f, r)));
  let mut chunks = dst.chunks_exact_mut(stride);
  let mut rows: [&mut [f64]; N] = std::array::from_fn(|_| chunks.next().unwrap_or_default());
  let ends: [(f64, f64); N] = std::array::from_fn(|r| (rows[r][c0 - 1], rows[r][c0 + m]));
  let mut out = rows.each_mut().map(|row| &mut row[c0..c0 + m]);
  let mut prev = [0.0; N];
  for k in 0..m {
    for r in 0..N {
      let u = centre[r][k];
      let mut d = u + hy * (below[r][k] - 2.0 * u + above[r][k]);
      if let Some(f) = &sources {
        d += weight * f[r][k];
      }
      d = x.ends(k, d, ends[r].0, ends[r].1);
      prev[r] = if k == 0 { d * inv[0] } else { (d - lower[k] * prev[r]) * inv[k] };
      out[r][k] = prev[r];
    }
  }
  for k in (0..m - 1).rev() {
    for row in &mut out {
      row[k] -= upper[k] * row[k + 1];
    }
  }
  for row in out {
    if let Some(cy) = &x.cyclic {
      let g = (row[0] + cy.q * row[m - 1]) * cy.scale;
      for (v, &z) in row.iter_mut().zip(&cy.z) {
        *v -= g * z;
      }
    }
  }
  for row in rows {
    crate::boundary::fill_ghost_columns(row, lines.nx, lines.left, lines.right);
  }
}

/// The rows a y-line segment reads at unknown `k`, besides its own: `mid` is u*'s padded row j and
/// `f` the source's; `below` and `above` are uⁿ⁺¹'s rows j−1 and j+1 over the segment's columns.
pub struct SegmentRows<'a> {
  /// The source's weight: dt/2, or the step's dt/2·g(t).
  pub weight: f64,
  pub mid: &'a [f64],
  pub f: Option<&'a [f64]>,
  pub below: &'a [f64],
  pub above: &'a [f64],
}

/// Forward sweep of the y-lines of node columns `start..start + cur.len()` at unknown `k`: writes
/// uⁿ⁺¹'s row j over those columns (`cur`) from the right-hand side (u*'s explicit x half step).
#[inline(never)]
pub fn forward_segment(lines: &Lines, k: usize, start: usize, rows: &SegmentRows, cur: &mut [f64]) {
  let (y, hx, width) = (&lines.y, lines.x.half, cur.len());
  let (lower, inv) = (y.lower[k], y.inv[k]);
  // Cut every view to the segment first, so that the loop needs no bounds checks.
  let mid = &rows.mid[start..start + width + 2];
  let (below, above) = (&rows.below[..width], &rows.above[..width]);
  let f = rows.f.map(|f| &f[start + 1..start + 1 + width]);
  for n in 0..width {
    let v = mid[n + 1];
    let mut d = v + hx * (mid[n] - 2.0 * v + mid[n + 2]);
    if let Some(f) = f {
      d += rows.weight * f[n];
    }
    d = y.ends(k, d, below[n], above[n]);
    cur[n] = if k == 0 { d * inv } else { (d - lower * below[n]) * inv };
  }
}

/// Back sweep at unknown k: cur = cur − upper\[k\]·next (the row above, already solved).
#[inline]
pub fn back_segment(upper: f64, cur: &mut [f64], next: &[f64]) {
  for (v, &w) in cur.iter_mut().zip(next) {
    *v -= upper * w;
  }
}

/// Sherman–Morrison's factor per column, (y\[0\] + q·y\[m−1\])·scale, from the first and last rows.
#[inline]
pub fn cyclic_factors(cyclic: &Cyclic, factors: &mut [f64], first: &[f64], last: &[f64]) {
  for ((g, &a), &b) in factors.iter_mut().zip(first).zip(last) {
    *g = (a + cyclic.q * b) * cyclic.scale;
  }
}

/// x = y − g·z\[k\] over a row of the segment.
#[inline]
pub fn cyclic_correct(z: f64, cur: &mut [f64], factors: &[f64]) {
  for (v, &g) in cur.iter_mut().zip(factors) {
    *v -= g * z;
  }
}

/// A ghost row segment by `rule`: a·inside + b·boundary + c (a·inside + c when b = 0) or a copy of
/// `inside` (wrap), as crate::boundary evaluates it.
pub fn ghost_segment(rule: GhostRule, target: &mut [f64], inside: &[f64], boundary: &[f64]) {
  match rule {
    GhostRule::None => {}
    GhostRule::Wrap => target.copy_from_slice(&inside[..target.len()]),
    GhostRule::Mirror { a, b, c } => {
      for (n, t) in target.iter_mut().enumerate() {
        *t = if b == 0.0 { a * inside[n] + c } else { a * inside[n] + b * boundary[n] + c };
      }
    }
  }
}

#[cfg(test)]
#[path = "lines_tests.rs"]
mod tests;
