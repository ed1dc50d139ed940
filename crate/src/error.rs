//! The one error type of the native kernels, and its mapping to a JS error.

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
}

impl From<KernelError> for napi::Error {
  fn from(error: KernelError) -> Self {
    napi::Error::new(napi::Status::InvalidArg, error.to_string())
  }
}

/// Checks that `slice` holds exactly `expected` values.
pub(crate) fn check_len(what: &'static str, slice: &[f64], expected: usize) -> Result<(), KernelError> {
  if slice.len() == expected {
    Ok(())
  } else {
    Err(KernelError::Length { what, expected, actual: slice.len() })
  }
}
