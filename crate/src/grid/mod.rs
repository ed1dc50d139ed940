//! The padded grid: rows of nx + 2 values (node i at index i + 1, one ghost column each side), a
//! ghost row above and below, and the bands of rows the workers own.
//!
//! The length arithmetic is checked: whatever sizes a caller passes, computing the lengths they
//! imply never overflows (which would panic in a debug build, and in a release build wrap around to
//! a small length that a short buffer could then match).

mod band;

pub use band::{flush_subnormals, Band, SharedFields};

use crate::error::KernelError;

/// The lengths of a band step's views: `src` holds `rows` + 2 padded rows of `nx` + 2 values, `dst`
/// holds `rows` of them.
///
/// # Errors
/// [`KernelError::Argument`] if either length does not fit in a `usize`.
pub fn band_lengths(nx: usize, rows: usize) -> Result<(usize, usize), KernelError> {
  let overflow = || KernelError::Argument {
    what: "band shape",
    expected: "(rows + 2)·(nx + 2) values that fit in memory",
    actual: format!("rows {rows}, nx {nx}"),
  };
  let stride = nx.checked_add(2).ok_or_else(overflow)?;
  let src = rows.checked_add(2).and_then(|r| r.checked_mul(stride)).ok_or_else(overflow)?;
  let dst = rows.checked_mul(stride).ok_or_else(overflow)?;
  Ok((src, dst))
}

/// Checks the view lengths of a band step before anything is read or written: `src` and `dst` must
/// match `rows` rows of `nx` nodes exactly, and `source` must be empty or as long as `dst`.
///
/// # Errors
/// [`KernelError`] naming the first view whose length is wrong, or the shape that overflows.
pub fn check_band(nx: usize, rows: usize, src: usize, dst: usize, source: usize) -> Result<(), KernelError> {
  let (want_src, want_dst) = band_lengths(nx, rows)?;
  for (what, actual, expected) in [("src", src, want_src), ("dst", dst, want_dst)] {
    if actual != expected {
      return Err(KernelError::Length { what, expected, actual });
    }
  }
  if source != 0 && source != want_dst {
    return Err(KernelError::Length { what: "source", expected: want_dst, actual: source });
  }
  Ok(())
}

#[cfg(test)]
mod tests {
  use super::*;

  /// Test that only subnormals become +0, on whatever instruction set the flush runs.
  #[test]
  fn flush_subnormals_replaces_only_subnormals() {
    let tiny = f64::MIN_POSITIVE;
    let input = [tiny, tiny / 2.0, -tiny / 3.0, 5e-324, -0.0, 0.0, 1.0, -tiny, f64::INFINITY, f64::NAN, 1e-300];
    // 19 values: the vector body and a scalar tail both run.
    let mut values: Vec<f64> = input.iter().chain(&input[..8]).copied().collect();
    flush_subnormals(&mut values);
    let expected = [tiny, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, -tiny, f64::INFINITY, f64::NAN, 1e-300];
    let expected: Vec<f64> = expected.iter().chain(&expected[..8]).copied().collect();
    assert!(values.iter().zip(&expected).all(|(a, b)| a.to_bits() == b.to_bits()), "{values:?}");
  }

  /// Shapes whose lengths overflow are refused instead of wrapping (or panicking in debug builds).
  #[test]
  fn overflowing_shapes_are_errors() {
    for (nx, rows) in [
      (usize::MAX, 1),
      (usize::MAX - 1, 0),
      (1, usize::MAX),
      (1, usize::MAX - 1),
      (u32::MAX as usize, u32::MAX as usize),
      (usize::MAX / 2, 3),
    ] {
      let error = band_lengths(nx, rows).expect_err(&format!("nx {nx}, rows {rows}"));
      assert!(error.to_string().starts_with("band shape must be"), "nx {nx}, rows {rows}: {error}");
    }
  }

  #[test]
  fn lengths_of_ordinary_bands() {
    assert_eq!(band_lengths(5, 3), Ok((35, 21)));
    assert_eq!(band_lengths(2, 0), Ok((8, 0)));
    assert_eq!(band_lengths(u32::MAX as usize, 1), Ok((3 * (1 << 32) + 3, (1 << 32) + 1)));
  }

  #[test]
  fn each_wrong_view_is_named() {
    assert_eq!(check_band(5, 3, 35, 21, 0), Ok(()));
    assert_eq!(check_band(5, 3, 35, 21, 21), Ok(()));
    let length = |what, expected, actual| Err(KernelError::Length { what, expected, actual });
    assert_eq!(check_band(5, 3, 34, 21, 0), length("src", 35, 34));
    assert_eq!(check_band(5, 3, 35, 28, 0), length("dst", 21, 28));
    assert_eq!(check_band(5, 3, 35, 21, 7), length("source", 21, 7));
  }
}
