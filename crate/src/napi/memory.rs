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
