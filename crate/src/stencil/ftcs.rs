//! The FTCS row loop, with one copy per instruction set (see `isa`): every copy inlines the same
//! `sweep`, so they differ only in vector width, never in the order of operations.

use super::isa::isa_copies;
use super::Stencil;

isa_copies! {
  /// One row with this instruction set; returns whether the row's updated values are finite.
  pub(super) fn step_row(halo: &[f64], out: &mut [f64], source: Option<&[f64]>, stencil: &Stencil) -> bool = step_row;
}

/// One row: `halo` is three padded rows (south, centre, north), `out` one padded row. Inlined into
/// each instruction-set copy above.
#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn step_row(halo: &[f64], out: &mut [f64], source: Option<&[f64]>, stencil: &Stencil) -> bool {
  let stride = stencil.row();
  // Node columns first..=last are padded columns first+1..=last+1; the west and east neighbours are
  // the same range shifted by one, which the halo makes valid at both ends.
  let (lo, hi) = (stencil.first + 1, stencil.last + 2);
  let (south, rest) = halo.split_at(stride);
  let (centre, north) = rest.split_at(stride);
  let near = Neighbours {
    s: &south[lo..hi],
    c: &centre[lo..hi],
    n: &north[lo..hi],
    w: &centre[lo - 1..hi - 1],
    e: &centre[lo + 1..=hi],
  };
  let out = &mut out[lo..hi];
  match source {
    None => sweep(out, &near, stencil.rx, stencil.ry),
    Some(f) => sweep_with_source(out, &near, &f[lo..hi], stencil),
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

/// The five points of the stencil for a run of nodes: south, centre, north, west and east, each
/// as long as the run.
struct Neighbours<'a> {
  s: &'a [f64],
  c: &'a [f64],
  n: &'a [f64],
  w: &'a [f64],
  e: &'a [f64],
}

/// The hot loop. Every slice is cut to the length of `out`, so the compiler drops the bounds checks
/// and vectorises; the arithmetic order matches the TypeScript kernel.
#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn sweep(out: &mut [f64], near: &Neighbours, rx: f64, ry: f64) {
  let len = out.len();
  let (s, c, n, w, e) = (&near.s[..len], &near.c[..len], &near.n[..len], &near.w[..len], &near.e[..len]);
  for k in 0..len {
    let u = c[k];
    out[k] = u + rx * (w[k] - 2.0 * u + e[k]) + ry * (s[k] - 2.0 * u + n[k]);
  }
}

/// The hot loop with a source term f, scaled by dt.
#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn sweep_with_source(out: &mut [f64], near: &Neighbours, f: &[f64], stencil: &Stencil) {
  let len = out.len();
  let (rx, ry, dt) = (stencil.rx, stencil.ry, stencil.dt);
  let (s, c, n, w, e) = (&near.s[..len], &near.c[..len], &near.n[..len], &near.w[..len], &near.e[..len]);
  let f = &f[..len];
  for k in 0..len {
    let u = c[k];
    out[k] = u + rx * (w[k] - 2.0 * u + e[k]) + ry * (s[k] - 2.0 * u + n[k]) + dt * f[k];
  }
}
