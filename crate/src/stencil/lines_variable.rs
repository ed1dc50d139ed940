//! The line solves of a Peaceman–Rachford step for the conservative operator (a variable α, or mirror
//! sides whose data vary along the side), the twin of lib/backends/js-lines-variable.ts: the same
//! arithmetic in the same order, without fused multiply-adds. With hx = dt/(2dx²), hy = dt/(2dy²) and
//! the face α of [`Faces`], an x-line solves
//!
//!   −lo·u\[k−1\] + (1 + (lo + hi))·u\[k\] − hi·u\[k+1\] = d\[k\],   lo = hx·α_w, hi = hx·α_e,
//!   d\[k\] = u + hy·(α_n·(u_n − u) − α_s·(u − u_s)) \[+ w·f\],
//!
//! and a y-line likewise with the axes exchanged. Every line has its own matrix, so the pivots are
//! computed as the forward sweep goes (pivot = diag − low·up\[k−1\], up\[k\] = upper/pivot, kept in
//! scratch for the back sweep); a mirror end folds in its cell's own b and c; a periodic axis is
//! solved by Sherman–Morrison (γ = −the first diagonal), its vector z swept beside the line.

use super::lines::Lines;
use super::Faces;
use crate::boundary::GhostRule;

/// One row of a line's system: −low·u\[k−1\] + diag·u\[k\] − upper·u\[k+1\] = d.
struct Row {
  low: f64,
  diag: f64,
  upper: f64,
  d: f64,
}

impl Row {
  #[inline]
  fn interior(lo: f64, hi: f64, d: f64) -> Self {
    Self { low: lo, diag: 1.0 + (lo + hi), upper: hi, d }
  }

  /// The first unknown's mirror ghost a·u\[1\] + b·u\[0\] + c folded in.
  #[inline]
  fn low_mirror(&mut self, lo: f64, a: f64, b: f64, c: f64) {
    self.diag -= lo * b;
    self.upper += lo * a;
    self.d += lo * c;
  }

  /// The last unknown's mirror ghost a·u\[m−2\] + b·u\[m−1\] + c folded in.
  #[inline]
  fn high_mirror(&mut self, hi: f64, a: f64, b: f64, c: f64) {
    self.diag -= hi * b;
    self.low += hi * a;
    self.d += hi * c;
  }
}

/// A mirror rule's `a`, or None for another kind.
fn mirror_a(rule: GhostRule) -> Option<f64> {
  match rule {
    GhostRule::Mirror { a, .. } => Some(a),
    GhostRule::None | GhostRule::Wrap => None,
  }
}

/// Columns of one strip of y-lines: about `budget` bytes of the strip and its scratch, 4 to 64.
#[must_use]
pub fn strip_width(lines: &Lines, budget: usize) -> usize {
  (budget / (8 * 3 * (lines.y.count + 2))).clamp(4, 64)
}

/// Scratch values the solves need: two lines of the x axis, or two of a strip's y-lines and three per
/// strip column.
#[must_use]
pub fn scratch_len(lines: &Lines, width: usize) -> usize {
  (2 * lines.stride()).max(2 * lines.y.count * width + 3 * width)
}

/// The x-line of the padded row at `base`: `src` is the whole uⁿ buffer, `row` u*'s padded row (its
/// fixed ends hold u*'s boundary values), `f` the whole source. Writes the unknowns, then the ghost
/// columns with each cell's own b and c.
#[expect(clippy::too_many_arguments, reason = "the row, its inputs and the step's weight, as the TypeScript twin")]
pub fn solve_row_variable(
  lines: &Lines,
  faces: &Faces,
  src: &[f64],
  row: &mut [f64],
  base: usize,
  f: Option<&[f64]>,
  weight: f64,
  scratch: &mut [f64],
) {
  let (x, stride, nx) = (&lines.x, lines.stride(), lines.nx);
  let (hx, hy, m) = (x.half, lines.y.half, x.count);
  let wraps = lines.left == GhostRule::Wrap;
  let (up, zz) = scratch.split_at_mut(stride);
  let first = x.first + 1;
  let (mut d0, mut lo0, mut prev, mut prev_z) = (0.0, 0.0, 0.0, 0.0);
  for k in 0..m {
    let c = base + first + k;
    let u = src[c];
    let mut d = u + hy * (faces.north[c] * (src[c + stride] - u) - faces.north[c - stride] * (u - src[c - stride]));
    if let Some(f) = f {
      d += weight * f[c];
    }
    let (lo, hi) = (hx * faces.east[c - 1], hx * faces.east[c]);
    let mut r = Row::interior(lo, hi, d);
    if k == 0 {
      if x.low.fixed {
        r.d += lo * row[first - 1];
      } else if wraps {
        (d0, lo0) = (r.diag, lo);
        r.diag = r.diag + r.diag;
      } else if let Some(a) = mirror_a(lines.left) {
        r.low_mirror(lo, a, faces.ghost_b[base], faces.ghost_c[base]);
      }
    }
    if k == m - 1 {
      if x.high.fixed {
        r.d += hi * row[first + m];
      } else if wraps {
        r.diag += (hi * lo0) / d0;
      } else if let Some(a) = mirror_a(lines.right) {
        r.high_mirror(hi, a, faces.ghost_b[base + nx + 1], faces.ghost_c[base + nx + 1]);
      }
    }
    let inv = 1.0 / if k == 0 { r.diag } else { r.diag - r.low * up[k - 1] };
    up[k] = r.upper * inv;
    prev = (if k == 0 { r.d } else { r.d + r.low * prev }) * inv;
    row[first + k] = prev;
    if wraps {
      let rhs = if k == 0 { -d0 } else if k == m - 1 { -hi } else { 0.0 };
      let carry = if k == 0 { 0.0 } else { r.low * prev_z };
      prev_z = (rhs + carry) * inv;
      zz[k] = prev_z;
    }
  }
  let unknowns = &mut row[first..first + m];
  for k in (0..m - 1).rev() {
    unknowns[k] += up[k] * unknowns[k + 1];
  }
  if wraps {
    for k in (0..m - 1).rev() {
      zz[k] += up[k] * zz[k + 1];
    }
    let q = lo0 / d0;
    let scale = 1.0 / (1.0 + zz[0] + q * zz[m - 1]);
    let g = (unknowns[0] + q * unknowns[m - 1]) * scale;
    for (v, &z) in unknowns.iter_mut().zip(&zz[..m]) {
      *v -= g * z;
    }
  }
  let cells = faces.cells(base / stride, stride);
  crate::boundary::fill_ghost_columns_with(row, nx, lines.left, lines.right, cells);
}

/// What the forward sweep of a strip's y-lines reads at unknown k besides its own row: the whole u*
/// buffer and source, and uⁿ⁺¹'s rows j − 1 and j + 1 over the strip.
pub struct StripRows<'a> {
  pub mid: &'a [f64],
  pub f: Option<&'a [f64]>,
  pub below: &'a [f64],
  pub above: &'a [f64],
}

/// A strip's scratch: `up` and `zz` (count × width, unknown-major) and `ends` (3 × width).
pub struct StripScratch<'a> {
  pub up: &'a mut [f64],
  pub zz: &'a mut [f64],
  pub ends: &'a mut [f64],
}

/// Forward sweep of the y-lines of a strip at unknown k: `cur` is uⁿ⁺¹'s row j over the strip, whose
/// first cell has padded index `at`.
#[expect(clippy::too_many_arguments, reason = "the strip row, its inputs and the step's weight, as the TypeScript twin")]
pub fn forward_strip_row(
  lines: &Lines,
  faces: &Faces,
  k: usize,
  at: usize,
  rows: &StripRows,
  cur: &mut [f64],
  weight: f64,
  s: &mut StripScratch,
) {
  let (y, stride, w) = (&lines.y, lines.stride(), cur.len());
  let (hx, hy, m) = (lines.x.half, y.half, y.count);
  let wraps = lines.bottom == GhostRule::Wrap;
  let mid = rows.mid;
  for (n, out) in cur.iter_mut().enumerate() {
    let c = at + n;
    let v = mid[c];
    let mut d = v + hx * (faces.east[c] * (mid[c + 1] - v) - faces.east[c - 1] * (v - mid[c - 1]));
    if let Some(f) = rows.f {
      d += weight * f[c];
    }
    let (lo, hi) = (hy * faces.north[c - stride], hy * faces.north[c]);
    let mut r = Row::interior(lo, hi, d);
    if k == 0 {
      if y.low.fixed {
        r.d += lo * rows.below[n];
      } else if wraps {
        (s.ends[n], s.ends[w + n]) = (r.diag, lo);
        r.diag = r.diag + r.diag;
      } else if let Some(a) = mirror_a(lines.bottom) {
        r.low_mirror(lo, a, faces.ghost_b[c - stride], faces.ghost_c[c - stride]);
      }
    }
    if k == m - 1 {
      if y.high.fixed {
        r.d += hi * rows.above[n];
      } else if wraps {
        r.diag += (hi * s.ends[w + n]) / s.ends[n];
      } else if let Some(a) = mirror_a(lines.top) {
        r.high_mirror(hi, a, faces.ghost_b[c + stride], faces.ghost_c[c + stride]);
      }
    }
    let i = k * w + n;
    let inv = 1.0 / if k == 0 { r.diag } else { r.diag - r.low * s.up[i - w] };
    s.up[i] = r.upper * inv;
    *out = (if k == 0 { r.d } else { r.d + r.low * rows.below[n] }) * inv;
    if wraps {
      let rhs = if k == 0 { -s.ends[n] } else if k == m - 1 { -hi } else { 0.0 };
      let carry = if k == 0 { 0.0 } else { r.low * s.zz[i - w] };
      s.zz[i] = (rhs + carry) * inv;
    }
  }
}

/// Back sweep of a strip at unknown k: cur += up\[k\]·next (the row above, solved), and z likewise.
pub fn back_strip_row(k: usize, cur: &mut [f64], next: &[f64], s: &mut StripScratch, wraps: bool) {
  let w = cur.len();
  let up = &s.up[k * w..(k + 1) * w];
  for ((v, &n), &u) in cur.iter_mut().zip(next).zip(up) {
    *v += u * n;
  }
  if wraps {
    let (lower, upper) = s.zz.split_at_mut((k + 1) * w);
    for ((z, &n), &u) in lower[k * w..].iter_mut().zip(&upper[..w]).zip(up) {
      *z += u * n;
    }
  }
}

/// Sherman–Morrison's factor per strip column, from the solved first and last rows (kept in ends\[2w..\]).
pub fn cyclic_strip_factors(m: usize, first: &[f64], last: &[f64], s: &mut StripScratch) {
  let w = first.len();
  for n in 0..w {
    let q = s.ends[w + n] / s.ends[n];
    let scale = 1.0 / (1.0 + s.zz[n] + q * s.zz[(m - 1) * w + n]);
    s.ends[2 * w + n] = (first[n] + q * last[n]) * scale;
  }
}

/// x = y − g·z\[k\] over the strip's row at unknown k.
pub fn cyclic_strip_correct(k: usize, cur: &mut [f64], s: &StripScratch) {
  let w = cur.len();
  for ((v, &z), &g) in cur.iter_mut().zip(&s.zz[k * w..(k + 1) * w]).zip(&s.ends[2 * w..3 * w]) {
    *v -= g * z;
  }
}

/// A ghost row segment by `rule` with each cell's b and c (`b`, `c` aligned with `target`): a mirror
/// a·inside + b·boundary + c (a·inside + c when the rule reads no boundary), or a copy (wrap).
pub fn ghost_segment_with(rule: GhostRule, target: &mut [f64], inside: &[f64], boundary: &[f64], b: &[f64], c: &[f64]) {
  match rule {
    GhostRule::None => {}
    GhostRule::Wrap => target.copy_from_slice(&inside[..target.len()]),
    GhostRule::Mirror { a, b: reads, .. } => {
      for (n, t) in target.iter_mut().enumerate() {
        *t = if reads == 0.0 { a * inside[n] + c[n] } else { a * inside[n] + b[n] * boundary[n] + c[n] };
      }
    }
  }
}
