//! The one error type of the native kernels. Its mapping to a JS error lives in `napi`.

/// What a kernel refuses to do. Every variant is found before any memory is touched.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum KernelError {
  /// A buffer does not have the length the grid shape implies.
  #[error("{what} has length {actual}, expected {expected}")]
  Length { what: &'static str, expected: usize, actual: usize },
  /// A shape or coefficient argument is out of its range.
  #[error("{what} must be {expected}, got {actual}")]
  Argument { what: &'static str, expected: &'static str, actual: String },
  /// The control block was made for another number of workers than the band expects.
  #[error("control block is for {control} parties, but the band has {band}")]
  Parties { band: i32, control: i32 },
}

/// Checks that `slice` holds exactly `expected` values.
pub(crate) fn check_len(what: &'static str, slice: &[f64], expected: usize) -> Result<(), KernelError> {
  if slice.len() == expected {
    Ok(())
  } else {
    Err(KernelError::Length { what, expected, actual: slice.len() })
  }
}
