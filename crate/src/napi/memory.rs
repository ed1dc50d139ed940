//! The N-API surface of the paging advice (`crate::memory`).

use napi_derive::napi;

use super::raw::RawF64Array;
use crate::memory;

/// Asks the kernel to back the elements of `buffer` (a Float64Array, usually over a large
/// SharedArrayBuffer) with 2 MiB transparent huge pages: `madvise(MADV_HUGEPAGE)` over the whole
/// huge pages inside it. Call it before the memory is first written (pages already touched keep their
/// 4 KiB backing for now). Returns true if the kernel took the advice; false, doing nothing, when the
/// buffer holds no whole huge page, off Linux, or when the kernel refuses. Never reads or changes a
/// value; throws only if `buffer` is not a Float64Array.
#[napi(ts_args_type = "buffer: Float64Array")]
#[must_use]
pub fn advise_huge_pages(buffer: RawF64Array) -> bool {
  memory::advise_huge_pages(buffer.ptr as usize, buffer.len * std::mem::size_of::<f64>())
}

/// A background prefault of a buffer's pages (see [`prefault_in_background`]): `join()` it before the
/// buffer may go.
#[napi]
pub struct Prefault {
  inner: Option<memory::Prefault>,
}

#[napi]
impl Prefault {
  /// Stops the prefault after its current chunk (2 MiB), waits for it and returns the bytes it
  /// faulted in (0 where the kernel has no MADV_POPULATE_WRITE). A second call returns 0 at once.
  #[napi]
  pub fn join(&mut self) -> f64 {
    self.inner.take().map_or(0.0, |mut p| p.join() as f64)
  }

  /// Waits for the prefault to get through the whole buffer and returns the bytes it faulted in: its whole
  /// 4 KiB pages, or 0 where the kernel has no MADV_POPULATE_WRITE. A second call returns 0 at once.
  #[napi]
  pub fn finish(&mut self) -> f64 {
    self.inner.take().map_or(0.0, |mut p| p.finish() as f64)
  }
}

/// Starts a thread that faults in the pages of `buffer` (a Float64Array, usually over a fresh
/// SharedArrayBuffer) for writing, from its start, while the calling thread writes its values: the
/// kernel's zeroing of new pages goes to another core. It never reads or changes a value. The buffer
/// must stay alive until `join()` is called on the handle returned. Throws only if `buffer` is not a
/// Float64Array; off Linux, on kernels before 5.14 or when no thread can start, the handle does nothing.
#[napi(ts_args_type = "buffer: Float64Array")]
#[must_use]
pub fn prefault_in_background(buffer: RawF64Array) -> Prefault {
  let bytes = buffer.len * std::mem::size_of::<f64>();
  Prefault { inner: memory::Prefault::start(buffer.ptr as usize, bytes) }
}
