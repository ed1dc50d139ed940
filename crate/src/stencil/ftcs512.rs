//! The FTCS row loop written out for AVX-512. The compiled portable loop (`ftcs`) loads each node's
//! west and east neighbours as two more unaligned vectors, which cross a cache line at every load, so a
//! row in cache runs at the rate of the CPU's load ports. Here each centre vector is loaded once, and the
//! west and east vectors are put together from it and its neighbours in registers (`valignq`). The
//! arithmetic is the same, in the same order: u + rx·((w − 2u) + e) + ry·((s − 2u) + n) [+ dt·f], with 2u
//! as u + u (which is exact), so the bits are those of the portable loop and of the js kernel.

use std::arch::x86_64::{
  __m512d, _mm512_add_pd, _mm512_alignr_epi64, _mm512_castpd_si512, _mm512_castsi512_pd, _mm512_loadu_pd,
  _mm512_mul_pd, _mm512_reduce_add_pd, _mm512_set1_pd, _mm512_setzero_pd, _mm512_storeu_pd, _mm512_sub_pd,
};

use super::all_finite;

/// f64 lanes of one vector.
const LANES: usize = 8;

/// The eight values of `values` from `at` as a vector (the slice is bounds-checked).
#[inline]
#[target_feature(enable = "avx512f")]
fn load(values: &[f64], at: usize) -> __m512d {
  let lanes = &values[at..at + LANES];
  // SAFETY: `lanes` holds eight f64 (sliced just above); an unaligned load reads exactly those.
  unsafe { _mm512_loadu_pd(lanes.as_ptr()) }
}

/// Writes `v` to the eight values of `out` from `at` (the slice is bounds-checked).
#[inline]
#[target_feature(enable = "avx512f")]
fn store(out: &mut [f64], at: usize, v: __m512d) {
  let lanes = &mut out[at..at + LANES];
  // SAFETY: `lanes` holds eight f64 (sliced just above) that nothing else borrows; an unaligned store
  // writes exactly those.
  unsafe { _mm512_storeu_pd(lanes.as_mut_ptr(), v) }
}

/// The lanes `shift`… of `low` followed by the first lanes of `high`: `high:low` shifted down by `shift` lanes.
#[inline]
#[target_feature(enable = "avx512f")]
fn shifted<const SHIFT: i32>(high: __m512d, low: __m512d) -> __m512d {
  _mm512_castsi512_pd(_mm512_alignr_epi64::<SHIFT>(_mm512_castpd_si512(high), _mm512_castpd_si512(low)))
}

/// The three padded rows a row update reads, its padded output row and source row, and its node columns.
pub(super) struct Row<'a> {
  pub south: &'a [f64],
  pub centre: &'a [f64],
  pub north: &'a [f64],
  pub source: Option<&'a [f64]>,
  /// Padded columns [lo, hi) are updated; 1 ≤ lo and hi < the row's length (the halo columns).
  pub lo: usize,
  pub hi: usize,
}

/// Updates padded columns [lo, hi) of `out` and returns whether every value written is finite (a running
/// sum of them, as in `summed`). Every slice is one padded row; an index out of range panics (the caller
/// validated the stencil, so none is), it never reads or writes out of bounds.
#[target_feature(enable = "avx512f")]
pub(super) fn step_row(row: &Row, out: &mut [f64], rx: f64, ry: f64, dt: f64) -> bool {
  let Row { south, centre, north, source, lo, hi } = *row;
  let (vrx, vry, vdt) = (_mm512_set1_pd(rx), _mm512_set1_pd(ry), _mm512_set1_pd(dt));
  let mut sum = _mm512_setzero_pd();
  let mut j = lo;
  if j + LANES <= hi {
    // Only lane 7 of `prev` is read: the west neighbour of the first node.
    let (mut prev, mut cur) = (_mm512_set1_pd(centre[j - 1]), load(centre, j));
    while j + LANES <= hi {
      // The east neighbours need lane 0 of the next centre vector; near the row's end only that lane
      // exists, and then this is the last vector (the next would pass `hi`, which is below the end).
      let next =
        if j + 2 * LANES <= centre.len() { load(centre, j + LANES) } else { _mm512_set1_pd(centre[j + LANES]) };
      let (w, e) = (shifted::<7>(cur, prev), shifted::<1>(next, cur));
      let u2 = _mm512_add_pd(cur, cur);
      let x = _mm512_add_pd(_mm512_sub_pd(w, u2), e);
      let y = _mm512_add_pd(_mm512_sub_pd(load(south, j), u2), load(north, j));
      let mut v = _mm512_add_pd(_mm512_add_pd(cur, _mm512_mul_pd(vrx, x)), _mm512_mul_pd(vry, y));
      if let Some(f) = source {
        v = _mm512_add_pd(v, _mm512_mul_pd(vdt, load(f, j)));
      }
      store(out, j, v);
      sum = _mm512_add_pd(sum, v);
      (prev, cur) = (cur, next);
      j += LANES;
    }
  }
  let mut tail = 0.0;
  for k in j..hi {
    let u = centre[k];
    let mut v = u + rx * (centre[k - 1] - 2.0 * u + centre[k + 1]) + ry * (south[k] - 2.0 * u + north[k]);
    if let Some(f) = source {
      v += dt * f[k];
    }
    out[k] = v;
    tail += v;
  }
  (_mm512_reduce_add_pd(sum) + tail).is_finite() || all_finite(&out[lo..hi])
}

#[cfg(test)]
mod tests {
  use super::super::{Isa, Stencil};
  use crate::boundary::GhostRule;

  /// Test that the AVX-512 loop gives the portable loop's bits for rows of every length from 2 to 40
  /// nodes, every first and last column near the ends, with and without a source, and finds a NaN in
  /// the vector part and in the tail. Skipped on a CPU without AVX-512F.
  #[test]
  fn matches_the_portable_loop_bit_for_bit() {
    if Isa::detect() != Isa::Avx512 {
      eprintln!("skipped: this CPU has no AVX-512F");
      return;
    }
    for nx in 2_usize..=40 {
      let stride = nx + 2;
      let halo: Vec<f64> = (0..3 * stride).map(|k| ((k * 7919) % 1013) as f64 / 101.0 - 4.0).collect();
      let source: Vec<f64> = (0..stride).map(|k| ((k * 31) % 17) as f64 - 8.0).collect();
      for (first, last) in [(0, nx - 1), (1, nx - 1), (0, nx - 2), (1, nx.saturating_sub(2).max(1))] {
        let stencil = Stencil {
          nx,
          first,
          last,
          rx: 0.21,
          ry: 0.17,
          dt: 0.013,
          left: GhostRule::None,
          right: GhostRule::None,
          plane: None,
        };
        for f in [None, Some(&source[..])] {
          let (mut fast, mut portable) = (vec![0.5; stride], vec![0.5; stride]);
          assert!(Isa::Avx512.step_row(&halo, &mut fast, f, &stencil));
          assert!(Isa::Baseline.step_row(&halo, &mut portable, f, &stencil));
          let same = fast.iter().zip(&portable).all(|(a, b)| a.to_bits() == b.to_bits());
          assert!(same, "nx {nx}, columns {first}..={last}, source {}", f.is_some());
        }
        for bad in [first + 1, last + 1] {
          let mut poisoned = halo.clone();
          poisoned[stride + bad] = f64::NAN;
          let mut out = vec![0.0; stride];
          assert!(!Isa::Avx512.step_row(&poisoned, &mut out, None, &stencil), "nx {nx}: NaN at column {bad}");
        }
      }
    }
  }
}
