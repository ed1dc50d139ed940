//! The N-API surface of the bandwidth probe.

use napi::{Error, Status};
use napi_derive::napi;

use crate::bandwidth::{first_write, measure};

/// Memory bandwidth of this machine, measured by a STREAM-like copy and triad.
#[napi(object)]
pub struct NapiBandwidth {
  /// Copy rate in GB/s (10⁹ bytes), counting 24 bytes per element: read, write and write-allocate.
  pub copy: f64,
  /// Triad rate in GB/s, counting 32 bytes per element: two reads, a write and a write-allocate.
  pub triad: f64,
  pub megabytes: u32,
  pub repeats: u32,
  pub threads: u32,
}

fn check_range(what: &str, value: u32, lo: u32, hi: u32) -> napi::Result<()> {
  if (lo..=hi).contains(&value) {
    return Ok(());
  }
  let message = format!("{what} must be an integer from {lo} to {hi}, got {value}");
  Err(Error::new(Status::InvalidArg, message))
}

/// Measures memory bandwidth with a STREAM-like copy and triad over three arrays of `megabytes` MB
/// (10⁶ bytes) each, split across `threads` threads (default 1); returns the best of `repeats` runs.
/// Bytes include the write-allocate of every store (STREAM's own figures leave it out). Blocks the
/// calling thread for the whole measurement: meant for benchmarks, not for a server's main thread.
///
/// # Errors
/// Throws if an argument is out of range, or if the arrays cannot be allocated.
#[napi]
pub fn memory_bandwidth(megabytes: u32, repeats: u32, threads: Option<u32>) -> napi::Result<NapiBandwidth> {
  let threads = threads.unwrap_or(1);
  check_range("megabytes", megabytes, 1, 65_536)?;
  check_range("repeats", repeats, 1, 1_000)?;
  check_range("threads", threads, 1, 1_024)?;
  let elements = megabytes as usize * 1_000_000 / std::mem::size_of::<f64>();
  let rates = measure(elements, repeats as usize, threads as usize)
    .map_err(|e| Error::new(Status::GenericFailure, e.to_string()))?;
  Ok(NapiBandwidth { copy: rates.copy / 1e9, triad: rates.triad / 1e9, megabytes, repeats, threads })
}

/// Seconds to write `bytes` bytes of freshly allocated memory once on `threads` threads (default 1),
/// with 2 MiB pages asked for if `hugePages`: the page faults of new memory, the floor under creating
/// fields of that size. Blocks the calling thread; meant for benchmarks.
///
/// # Errors
/// Throws if `bytes` is not a whole number from 1 to 2⁴⁰, if `threads` is out of range, or if the
/// memory cannot be allocated.
#[napi]
pub fn first_write_seconds(bytes: f64, threads: Option<u32>, huge_pages: Option<bool>) -> napi::Result<f64> {
  let threads = threads.unwrap_or(1);
  check_range("threads", threads, 1, 1_024)?;
  if !(bytes.fract() == 0.0 && (1.0..=1_099_511_627_776.0).contains(&bytes)) {
    return Err(Error::new(Status::InvalidArg, format!("bytes must be a whole number from 1 to 2^40, got {bytes}")));
  }
  let bytes = bytes as usize;
  first_write(bytes, threads as usize, huge_pages == Some(true))
    .map_err(|e| Error::new(Status::GenericFailure, e.to_string()))
}
