//! The N-API surface of calor's native kernels, and the only module that knows about N-API. It
//! converts and checks arguments, maps errors to JS errors and calls into the other modules.
//!
//! - `stencil`: the checked stencil (`StencilKernel`), ghost rules and `fillGhostRow`;
//! - `band`: a worker's native run (`NativeBand`);
//! - `lines`: a worker's ADI run (`LineKernel`, `NativeLines`);
//! - `control`: the control block's slot layout (`controlLayout`);
//! - `frames`: `encodeFrame` and `writeAnimation`, on libuv's thread pool;
//! - `bandwidth`: the memory bandwidth probe;
//! - `memory`: huge-page advice for the field buffers (`adviseHugePages`);
//! - `timed`: the layout and ring of side data of t a band reads;
//! - `raw`: typed arrays taken as a raw pointer and a length.

pub mod band;
pub mod bandwidth;
pub mod control;
pub mod frames;
pub mod lines;
pub mod memory;
pub mod plane_lines;
mod raw;
pub mod stencil;
pub mod timed;

use napi::{Error, Status};

use crate::error::KernelError;

impl From<KernelError> for Error {
  fn from(error: KernelError) -> Self {
    Error::new(Status::InvalidArg, error.to_string())
  }
}

/// A JS error for an argument the caller got wrong.
fn invalid(message: String) -> Error {
  Error::new(Status::InvalidArg, message)
}

/// The bytes `len` elements of `T` from `ptr` cover.
fn span<T>(ptr: *const T, len: usize) -> std::ops::Range<usize> {
  let start = ptr as usize;
  start..start + len * std::mem::size_of::<T>()
}

/// True if two non-empty byte ranges share a byte.
fn overlaps(x: &std::ops::Range<usize>, y: &std::ops::Range<usize>) -> bool {
  !x.is_empty() && !y.is_empty() && x.start < y.end && y.start < x.end
}

/// Refuses a writable view that shares memory with any of the read-only views of the same call.
fn check_disjoint(name: &'static str, written: &[f64], read: &[(&'static str, &[f64])]) -> napi::Result<()> {
  let w = span(written.as_ptr(), written.len());
  match read.iter().find(|(_, slice)| overlaps(&w, &span(slice.as_ptr(), slice.len()))) {
    Some((other, _)) => Err(invalid(format!("{name} overlaps {other}: views must not share memory"))),
    None => Ok(()),
  }
}
