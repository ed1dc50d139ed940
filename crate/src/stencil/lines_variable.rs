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

/// Columns of one strip of y-lines: wide enough that each row of a strip is whole cache lines (strips
/// sized to keep a strip in cache, 10 columns at 1025 rows, were measurably slower: every row of a strip
/// is another page of each array the row reads). Its scratch is 2·rows·64 values.
pub const STRIP_WIDTH: usize = 64;

/// Rows whose x-lines are swept together (see `solve_rows_variable`).
pub const GROUP: usize = 4;

/// Scratch values the solves need: two lines for each of a group of x-lines, or two of a strip's
/// y-lines and three per strip column.
#[must_use]
pub fn scratch_len(lines: &Lines, width: usize) -> usize {
  (2 * GROUP * lines.stride()).max(2 * lines.y.count * width + 3 * width)
}

/// What bounds a line beyond one end: a fixed node's value, the opposite end (periodic), or a mirror
/// ghost a·u_inside + b·u_boundary + c with the cell's own b and c.
#[derive(Clone, Copy)]
enum End {
  Fixed(f64),
  Wrap,
  Mirror { a: f64, b: f64, c: f64 },
  Open,
}

impl End {
  /// The end of a line: `value` reads the fixed node, `cell` the ghost cell's b and c (each only when needed).
  #[inline]
  fn of(fixed: bool, value: impl Fn() -> f64, rule: GhostRule, cell: impl Fn() -> (f64, f64)) -> Self {
    match rule {
      _ if fixed => End::Fixed(value()),
      GhostRule::Wrap => End::Wrap,
      GhostRule::Mirror { a, .. } => {
        let (b, c) = cell();
        End::Mirror { a, b, c }
      }
      GhostRule::None => End::Open,
    }
  }
}

/// A periodic line's first diagonal and wrap coupling, kept from its first row for its last.
#[derive(Clone, Copy, Default)]
struct Wrapped {
  d0: f64,
  lo0: f64,
}

impl Row {
  /// Folds in the end beyond unknown 0 (coupling lo) and, when k is the last, the one beyond it.
  #[inline]
  fn ends(&mut self, k: usize, m: usize, (lo, hi): (f64, f64), (low, high): (End, End), wrapped: &mut Wrapped) {
    if k == 0 {
      match low {
        End::Fixed(v) => self.d += lo * v,
        End::Wrap => {
          *wrapped = Wrapped { d0: self.diag, lo0: lo };
          self.diag = self.diag + self.diag;
        }
        End::Mirror { a, b, c } => self.low_mirror(lo, a, b, c),
        End::Open => {}
      }
    }
    if k == m - 1 {
      match high {
        End::Fixed(v) => self.d += hi * v,
        End::Wrap => self.diag += (hi * wrapped.lo0) / wrapped.d0,
        End::Mirror { a, b, c } => self.high_mirror(hi, a, b, c),
        End::Open => {}
      }
    }
  }

  /// One forward elimination step: returns 1/pivot and sets up\[k\] (`prev_up` is up\[k−1\]).
  #[inline]
  fn pivot(&self, k: usize, prev_up: f64, up: &mut f64) -> f64 {
    let inv = 1.0 / if k == 0 { self.diag } else { self.diag - self.low * prev_up };
    *up = self.upper * inv;
    inv
  }
}

/// Sherman–Morrison's right-hand side z at unknown k: γ = −d₀ first, the wrap coupling −hi last.
#[inline]
fn cyclic_rhs(k: usize, m: usize, wrapped: Wrapped, hi: f64, low: f64, prev_z: f64, inv: f64) -> f64 {
  let rhs = if k == 0 {
    -wrapped.d0
  } else if k == m - 1 {
    -hi
  } else {
    0.0
  };
  let carry = if k == 0 { 0.0 } else { low * prev_z };
  (rhs + carry) * inv
}

/// One x-line's ends and running values through its forward sweep.
#[derive(Clone, Copy)]
struct LineState {
  low: End,
  high: End,
  wrapped: Wrapped,
  prev: f64,
  prev_z: f64,
}

/// The x-lines of N consecutive padded rows, the first at padded index `base` (N independent
/// recurrences in flight, so the sweeps are not bound by the latency of one; every row's arithmetic is
/// that of one row alone): `src` is the whole uⁿ buffer, `rows` u*'s N padded rows (their fixed ends
/// hold u*'s boundary values), `f` the whole source, `scratch` at least 2·N·stride values. Writes the
/// unknowns, then the ghost columns with each cell's own b and c.
#[expect(clippy::too_many_arguments, reason = "the rows, their inputs and the step's weight, as the TypeScript twin")]
pub fn solve_rows_variable<const N: usize>(
  lines: &Lines,
  faces: &Faces,
  src: &[f64],
  rows: &mut [f64],
  base: usize,
  f: Option<&[f64]>,
  weight: f64,
  scratch: &mut [f64],
) {
  let (x, stride, nx, m) = (&lines.x, lines.stride(), lines.nx, lines.x.count);
  let (ups, zzs) = scratch.split_at_mut(N * stride);
  let first = x.first + 1;
  let (cells_b, cells_c, wraps) = (faces.ghost_b, faces.ghost_c, lines.left == GhostRule::Wrap);
  let mut states: [LineState; N] = std::array::from_fn(|r| {
    let (at, row) = (base + r * stride, &rows[r * stride..(r + 1) * stride]);
    let low = End::of(x.low.fixed, || row[first - 1], lines.left, || (cells_b[at], cells_c[at]));
    let right = at + nx + 1;
    let high = End::of(x.high.fixed, || row[first + m], lines.right, || (cells_b[right], cells_c[right]));
    LineState { low, high, wrapped: Wrapped::default(), prev: 0.0, prev_z: 0.0 }
  });
  for k in 0..m {
    for (r, st) in states.iter_mut().enumerate() {
      let c = base + r * stride + first + k;
      let u = src[c];
      let mut d =
        u + lines.y.half * (faces.north[c] * (src[c + stride] - u) - faces.north[c - stride] * (u - src[c - stride]));
      if let Some(f) = f {
        d += weight * f[c];
      }
      let (lo, hi) = (x.half * faces.east[c - 1], x.half * faces.east[c]);
      let mut row = Row::interior(lo, hi, d);
      row.ends(k, m, (lo, hi), (st.low, st.high), &mut st.wrapped);
      let up = &mut ups[r * stride..];
      let inv = row.pivot(k, if k == 0 { 0.0 } else { up[k - 1] }, &mut up[k]);
      st.prev = (if k == 0 { row.d } else { row.d + row.low * st.prev }) * inv;
      rows[r * stride + first + k] = st.prev;
      if wraps {
        st.prev_z = cyclic_rhs(k, m, st.wrapped, hi, row.low, st.prev_z, inv);
        zzs[r * stride + k] = st.prev_z;
      }
    }
  }
  for k in (0..m - 1).rev() {
    for r in 0..N {
      let at = r * stride + first + k;
      rows[at] += ups[r * stride + k] * rows[at + 1];
    }
  }
  for (r, st) in states.iter().enumerate() {
    let row = &mut rows[r * stride..(r + 1) * stride];
    if wraps {
      let (up, zz) = (&ups[r * stride..r * stride + m], &mut zzs[r * stride..r * stride + m]);
      cyclic_row(&mut row[first..first + m], up, zz, st.wrapped);
    }
    let cells = faces.cells(base / stride + r, stride);
    crate::boundary::fill_ghost_columns_with(row, nx, lines.left, lines.right, cells);
  }
}

/// A periodic x-line's Sherman–Morrison correction, after its back sweep: z's back sweep, then x = y − g·z.
fn cyclic_row(unknowns: &mut [f64], up: &[f64], zz: &mut [f64], w: Wrapped) {
  let m = unknowns.len();
  for k in (0..m - 1).rev() {
    zz[k] += up[k] * zz[k + 1];
  }
  let q = w.lo0 / w.d0;
  let scale = 1.0 / (1.0 + zz[0] + q * zz[m - 1]);
  let g = (unknowns[0] + q * unknowns[m - 1]) * scale;
  for (v, &z) in unknowns.iter_mut().zip(&zz[..m]) {
    *v -= g * z;
  }
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
/// first cell has padded index `at`. A periodic column keeps its first diagonal and wrap coupling in
/// `ends[n]` and `ends[w + n]`.
#[expect(
  clippy::too_many_arguments,
  reason = "the strip row, its inputs and the step's weight, as the TypeScript twin"
)]
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
  let (y, stride, w, m) = (&lines.y, lines.stride(), cur.len(), lines.y.count);
  let (mid, wraps) = (rows.mid, lines.bottom == GhostRule::Wrap);
  for (n, out) in cur.iter_mut().enumerate() {
    let c = at + n;
    let v = mid[c];
    let mut d = v + lines.x.half * (faces.east[c] * (mid[c + 1] - v) - faces.east[c - 1] * (v - mid[c - 1]));
    if let Some(f) = rows.f {
      d += weight * f[c];
    }
    let (lo, hi) = (y.half * faces.north[c - stride], y.half * faces.north[c]);
    let (b, cc) = (&faces.ghost_b, &faces.ghost_c);
    // Only the end rows read their ends (and the ghost cells beyond them).
    let low = if k == 0 {
      End::of(y.low.fixed, || rows.below[n], lines.bottom, || (b[c - stride], cc[c - stride]))
    } else {
      End::Open
    };
    let high = if k == m - 1 {
      End::of(y.high.fixed, || rows.above[n], lines.top, || (b[c + stride], cc[c + stride]))
    } else {
      End::Open
    };
    let mut wrapped = Wrapped { d0: s.ends[n], lo0: s.ends[w + n] };
    let mut r = Row::interior(lo, hi, d);
    r.ends(k, m, (lo, hi), (low, high), &mut wrapped);
    (s.ends[n], s.ends[w + n]) = (wrapped.d0, wrapped.lo0);
    let i = k * w + n;
    let inv = r.pivot(k, if k == 0 { 0.0 } else { s.up[i - w] }, &mut s.up[i]);
    *out = (if k == 0 { r.d } else { r.d + r.low * rows.below[n] }) * inv;
    if wraps {
      s.zz[i] = cyclic_rhs(k, m, wrapped, hi, r.low, if k == 0 { 0.0 } else { s.zz[i - w] }, inv);
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

#[cfg(test)]
#[path = "lines_variable_tests.rs"]
mod tests;
