//! The FTCS row loop, with one copy per instruction set (see `isa`): every copy inlines the same
//! sweep (`summed`), so they differ only in vector width, never in the order of operations.

#[cfg(target_arch = "x86_64")]
use super::ftcs512;
use super::isa::isa_copies;
use super::summed::sweep_checked;
use super::Isa;
use super::Stencil;

isa_copies! {
  /// One row with this instruction set, by the portable loop; returns whether the row's updated values are finite.
  fn step_row_portable(halo: &[f64], out: &mut [f64], source: Option<&[f64]>, stencil: &Stencil) -> bool = step_row;
}

impl Isa {
  /// One row with this instruction set: the loop written out for AVX-512 (`ftcs512`, the same bits)
  /// where the CPU has it, else the portable loop. Returns whether the row's updated values are finite.
  pub(super) fn step_row(self, halo: &[f64], out: &mut [f64], source: Option<&[f64]>, stencil: &Stencil) -> bool {
    #[cfg(target_arch = "x86_64")]
    if self == Isa::Avx512 {
      let stride = stencil.row();
      let (south, rest) = halo.split_at(stride);
      let (centre, north) = rest.split_at(stride);
      let (lo, hi) = (stencil.first + 1, stencil.last + 2);
      let row = ftcs512::Row { south, centre, north: &north[..stride], source, lo, hi };
      // SAFETY: `Isa::detect` chose Avx512 only after finding AVX-512F on the running CPU.
      return unsafe { ftcs512::step_row(&row, out, stencil.rx, stencil.ry, stencil.dt) };
    }
    self.step_row_portable(halo, out, source, stencil)
  }
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
  let (s, c, n) = (&south[lo..hi], &centre[lo..hi], &north[lo..hi]);
  let (w, e) = (&centre[lo - 1..hi - 1], &centre[lo + 1..=hi]);
  let out = &mut out[lo..hi];
  let (rx, ry) = (stencil.rx, stencil.ry);
  match source {
    None => sweep_checked(out, [s, c, n, w, e], |[s, c, n, w, e]| {
      let u = c;
      u + rx * (w - 2.0 * u + e) + ry * (s - 2.0 * u + n)
    }),
    Some(f) => {
      let dt = stencil.dt;
      sweep_checked(out, [s, c, n, w, e, &f[lo..hi]], |[s, c, n, w, e, f]| {
        let u = c;
        u + rx * (w - 2.0 * u + e) + ry * (s - 2.0 * u + n) + dt * f
      })
    }
  }
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
