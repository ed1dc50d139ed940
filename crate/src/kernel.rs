//! One explicit (FTCS) step of the 5-point heat stencil over a band of rows of a halo-padded field:
//!
//!   u′ = u + rx·(u_w − 2u + u_e) + ry·(u_s − 2u + u_n) [+ dt·f],   rx = α·dt/dx², ry = α·dt/dy².
//!
//! The expression is evaluated in exactly this order, without fused multiply-adds, so that the pure
//! TypeScript kernel (lib/kernel.ts) produces the same bits.

use crate::boundary::{fill_ghost_columns, Ghost};
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
  pub left: Ghost,
  pub right: Ghost,
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

/// The widest vector instructions this CPU has, detected at run time (the addon is built for the
/// baseline x86-64 and carries AVX2 and AVX-512 copies of the row loop). No FMA: see the module doc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
  Baseline,
  #[cfg(target_arch = "x86_64")]
  Avx2,
  #[cfg(target_arch = "x86_64")]
  Avx512,
}

impl Isa {
  /// The best copy for this CPU (std caches the CPUID answers, so this is cheap).
  #[must_use]
  pub fn detect() -> Self {
    #[cfg(target_arch = "x86_64")]
    {
      if std::is_x86_feature_detected!("avx512f") {
        return Isa::Avx512;
      }
      if std::is_x86_feature_detected!("avx2") {
        return Isa::Avx2;
      }
    }
    Isa::Baseline
  }

  /// One row with this instruction set; returns whether the row's updated values are finite.
  #[inline]
  fn step_row(self, halo: &[f64], out: &mut [f64], source: Option<&[f64]>, stencil: &Stencil) -> bool {
    match self {
      Isa::Baseline => step_row(halo, out, source, stencil),
      // SAFETY: `detect` chose this variant only after finding AVX2 on the running CPU.
      #[cfg(target_arch = "x86_64")]
      Isa::Avx2 => unsafe { step_row_avx2(halo, out, source, stencil) },
      // SAFETY: `detect` chose this variant only after finding AVX-512F on the running CPU.
      #[cfg(target_arch = "x86_64")]
      Isa::Avx512 => unsafe { step_row_avx512(halo, out, source, stencil) },
    }
  }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn step_row_avx2(halo: &[f64], out: &mut [f64], source: Option<&[f64]>, stencil: &Stencil) -> bool {
  step_row(halo, out, source, stencil)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn step_row_avx512(halo: &[f64], out: &mut [f64], source: Option<&[f64]>, stencil: &Stencil) -> bool {
  step_row(halo, out, source, stencil)
}

/// One row: `halo` is three padded rows (south, centre, north), `out` one padded row. Inlined into
/// each instruction-set copy above.
#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn step_row(halo: &[f64], out: &mut [f64], source: Option<&[f64]>, stencil: &Stencil) -> bool {
  let stride = stencil.stride();
  // Node columns first..=last are padded columns first+1..=last+1; the west and east neighbours are
  // the same range shifted by one, which the halo makes valid at both ends.
  let (lo, hi) = (stencil.first + 1, stencil.last + 2);
  let (south, rest) = halo.split_at(stride);
  let (centre, north) = rest.split_at(stride);
  let (s, c, n) = (&south[lo..hi], &centre[lo..hi], &north[lo..hi]);
  let (w, e) = (&centre[lo - 1..hi - 1], &centre[lo + 1..=hi]);
  let out = &mut out[lo..hi];
  let (rx, ry) = (stencil.rx, stencil.ry);
  match source {
    None => sweep(out, s, c, n, w, e, rx, ry),
    Some(f) => sweep_with_source(out, s, c, n, w, e, &f[lo..hi], rx, ry, stencil.dt),
  }
  all_finite(out)
}

/// True if no value is NaN or infinite: x − x is 0 for finite x and NaN otherwise. Eight independent
/// accumulators keep the loop vectorised (one accumulator would serialise the additions).
#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
#[must_use]
#[expect(clippy::eq_op, reason = "x - x is the finiteness test: 0 for finite x, NaN otherwise")]
pub fn all_finite(values: &[f64]) -> bool {
  let mut acc = [0.0_f64; 8];
  let chunks = values.chunks_exact(8);
  let tail = chunks.remainder();
  for chunk in chunks {
    for (a, &x) in acc.iter_mut().zip(chunk) {
      *a += x - x;
    }
  }
  for (a, &x) in acc.iter_mut().zip(tail) {
    *a += x - x;
  }
  acc.iter().sum::<f64>() == 0.0
}

/// The hot loop. Every slice has the length of `out`, so the compiler drops the bounds checks and
/// vectorises; the arithmetic order matches lib/kernel.ts.
#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn sweep(out: &mut [f64], s: &[f64], c: &[f64], n: &[f64], w: &[f64], e: &[f64], rx: f64, ry: f64) {
  let len = out.len();
  let (s, c, n, w, e) = (&s[..len], &c[..len], &n[..len], &w[..len], &e[..len]);
  for k in 0..len {
    let u = c[k];
    out[k] = u + rx * (w[k] - 2.0 * u + e[k]) + ry * (s[k] - 2.0 * u + n[k]);
  }
}

#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn sweep_with_source(
  out: &mut [f64],
  s: &[f64],
  c: &[f64],
  n: &[f64],
  w: &[f64],
  e: &[f64],
  f: &[f64],
  rx: f64,
  ry: f64,
  dt: f64,
) {
  let len = out.len();
  let (s, c, n, w, e, f) = (&s[..len], &c[..len], &n[..len], &w[..len], &e[..len], &f[..len]);
  for k in 0..len {
    let u = c[k];
    out[k] = u + rx * (w[k] - 2.0 * u + e[k]) + ry * (s[k] - 2.0 * u + n[k]) + dt * f[k];
  }
}
