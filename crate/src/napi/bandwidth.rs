//! The N-API surface of the bandwidth probe.

use napi::{Error, Status};
use napi_derive::napi;

use crate::bandwidth::measure;

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
