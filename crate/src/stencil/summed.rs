//! A sweep that keeps the running sum of the values it writes, so that a row's finite check needs no
//! second pass over it: a NaN or an infinity never cancels out of a sum, so a finite sum proves every
//! value finite. A sum that is not finite may also come from large finite values that overflow
//! together; only then is each value looked at ([`super::all_finite`]).

/// Lanes of the running sum: one AVX-512 vector of f64 (two AVX2 vectors), so that the sum adds no
/// dependency chain across iterations.
const LANES: usize = 8;

/// Writes `out[k] = update(inputs[0][k], …, inputs[P − 1][k])` for every k and returns whether every
/// value written is finite. Each input must be at least as long as `out` (a shorter one panics, never
/// reads out of bounds). Inlined into each instruction-set copy of the kernels.
#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
pub(super) fn sweep_checked<const P: usize>(
  out: &mut [f64],
  inputs: [&[f64]; P],
  update: impl Fn([f64; P]) -> f64,
) -> bool {
  let len = out.len();
  let inputs = inputs.map(|x| &x[..len]);
  let whole = len - len % LANES;
  let mut sum = [0.0_f64; LANES];
  for (i, chunk) in out[..whole].chunks_exact_mut(LANES).enumerate() {
    let at = i * LANES;
    // Fixed-size lanes of each input: the compiler sees the lengths and vectorises the lane loop.
    let lanes: [[f64; LANES]; P] = inputs.map(|x| x[at..at + LANES].try_into().unwrap_or([0.0; LANES]));
    for l in 0..LANES {
      let value = update(std::array::from_fn(|p| lanes[p][l]));
      chunk[l] = value;
      sum[l] += value;
    }
  }
  for k in whole..len {
    let value = update(std::array::from_fn(|p| inputs[p][k]));
    out[k] = value;
    sum[0] += value;
  }
  sum.iter().sum::<f64>().is_finite() || super::all_finite(out)
}

#[cfg(test)]
mod tests {
  use super::sweep_checked;

  /// Each value `update` gives at its own place, for lengths below, at and beyond one vector of lanes.
  #[test]
  fn writes_every_value_at_its_place() {
    for len in [0, 1, 7, 8, 9, 23] {
      let a: Vec<f64> = (0..len).map(|k| k as f64).collect();
      let b: Vec<f64> = (0..len).map(|k| 0.5 * k as f64).collect();
      let mut out = vec![-1.0; len];
      assert!(sweep_checked(&mut out, [&a, &b], |[a, b]| a * 3.0 - b));
      for (k, v) in out.iter().enumerate() {
        assert_eq!(v.to_bits(), (2.5 * k as f64).to_bits(), "len {len}, value {k}");
      }
    }
  }

  /// A NaN or an infinity anywhere, in the lanes or in the tail, is found; finite values whose sum
  /// overflows are not taken for one.
  #[test]
  fn finds_non_finite_values_and_only_them() {
    for len in [5, 8, 19] {
      for bad in 0..len {
        for poison in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
          let mut a = vec![1.0; len];
          a[bad] = poison;
          let mut out = vec![0.0; len];
          assert!(!sweep_checked(&mut out, [&a], |[a]| a), "len {len}, {poison} at {bad}");
        }
      }
      let huge = vec![f64::MAX; len];
      let mut out = vec![0.0; len];
      assert!(sweep_checked(&mut out, [&huge], |[a]| a), "len {len}: f64::MAX values are finite");
      assert!(!sweep_checked(&mut out, [&huge], |[a]| a * 2.0), "len {len}: 2·f64::MAX overflows");
    }
  }
}
