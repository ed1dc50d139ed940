//! The one error type of the MPI addon, and its mapping to a JS error.

/// What the addon refuses to do. Every variant is found before MPI touches any buffer.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum MpiError {
  /// A call other than `init` came before `init`.
  #[error("{call}: MPI is not initialized; call init() first")]
  NotInitialized { call: &'static str },
  /// A call came after `finalize`; MPI cannot be started twice in one process.
  #[error("{call}: MPI was finalized; it cannot be used again in this process")]
  Finalized { call: &'static str },
  /// MPI was started by someone else in this process, or refused to start.
  #[error("init: {0}")]
  Init(String),
  /// A call came from a thread other than the one that called `init` (MPI_THREAD_FUNNELED).
  #[error("{call}: MPI calls must come from the thread that called init()")]
  WrongThread { call: &'static str },
  /// An argument is out of its range.
  #[error("{call}: {what} must be {expected}, got {actual}")]
  Argument { call: &'static str, what: &'static str, expected: String, actual: String },
  /// The ranks passed arguments to a collective call that do not fit together. Every rank raises
  /// the same error, so none of them is left waiting.
  #[error("{call}: {message}")]
  Disagree { call: &'static str, message: String },
}

impl MpiError {
  pub(crate) fn argument(
    call: &'static str,
    what: &'static str,
    expected: impl Into<String>,
    actual: impl ToString,
  ) -> Self {
    Self::Argument { call, what, expected: expected.into(), actual: actual.to_string() }
  }
}
