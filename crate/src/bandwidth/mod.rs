//! A STREAM-like probe of the machine's memory bandwidth, so that the benchmarks can say how close the
//! stencil gets to the hardware. Two kernels over arrays much larger than the caches:
//!
//!   copy:  b[k] = a[k]              8 B read + 8 B written + 8 B write-allocate = 24 B per element
//!   triad: a[k] = b[k] + s·c[k]    16 B read + 8 B written + 8 B write-allocate = 32 B per element
//!
//! Bytes are counted *with* the write-allocate read that an ordinary store causes (the cache line is
//! read before it is overwritten). STREAM itself does not count it, so its copy and triad figures are
//! 2/3 and 3/4 of these for the same run. The stencil's stores are ordinary stores, so this is the
//! convention that matches its 24 bytes per update.

use std::collections::TryReserveError;
use std::hint::black_box;
use std::time::Instant;

/// Bytes moved per element by each kernel, write-allocate included.
pub const COPY_BYTES_PER_ELEMENT: f64 = 24.0;
pub const TRIAD_BYTES_PER_ELEMENT: f64 = 32.0;

/// Best (highest) rates over the repeats, in bytes per second.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bandwidth {
  pub copy: f64,
  pub triad: f64,
}

/// Why a probe could not run. Found before anything is timed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
  #[error("could not allocate the probe arrays: {0}")]
  Memory(#[from] TryReserveError),
  #[error("could not start a probe thread: {0}")]
  Thread(#[from] std::io::Error),
}

/// b[k] = a[k], written as b[k] = one·a[k] with `one` = 1 hidden from the optimiser. A plain copy
/// loop is turned into a memcpy call, and the library memcpy uses `rep movsb` or non-temporal stores
/// on large blocks, both of which skip the write-allocate this probe is meant to include (and the
/// stencil pays). The multiply is free in a loop bound by memory.
#[inline(never)]
pub fn copy(b: &mut [f64], a: &[f64]) {
  let one = black_box(1.0);
  let len = b.len().min(a.len());
  let (b, a) = (&mut b[..len], &a[..len]);
  for k in 0..len {
    b[k] = one * a[k];
  }
}

/// a[k] = b[k] + scalar·c[k].
#[inline(never)]
pub fn triad(a: &mut [f64], b: &[f64], c: &[f64], scalar: f64) {
  let len = a.len().min(b.len()).min(c.len());
  let (a, b, c) = (&mut a[..len], &b[..len], &c[..len]);
  for k in 0..len {
    a[k] = b[k] + scalar * c[k];
  }
}

fn filled(len: usize, value: f64) -> Result<Vec<f64>, TryReserveError> {
  let mut v = Vec::new();
  v.try_reserve_exact(len)?;
  v.resize(len, value);
  Ok(v)
}

/// Runs `kernel` on `threads` contiguous parts of the arrays at once and returns the wall time.
fn timed_parallel(
  threads: usize,
  a: &mut [f64],
  b: &[f64],
  c: &[f64],
  kernel: fn(&mut [f64], &[f64], &[f64]),
) -> Result<f64, ProbeError> {
  let part = a.len().div_ceil(threads.max(1));
  let started = Instant::now();
  std::thread::scope(|scope| -> Result<(), ProbeError> {
    let mut handles = Vec::with_capacity(threads);
    for ((x, y), z) in a.chunks_mut(part).zip(b.chunks(part)).zip(c.chunks(part)) {
      handles.push(std::thread::Builder::new().spawn_scoped(scope, move || kernel(x, y, z))?);
    }
    for handle in handles {
      // A kernel cannot panic (it only zips slices); treat a panic as a failed thread all the same.
      handle.join().map_err(|_| std::io::Error::other("probe thread panicked"))?;
    }
    Ok(())
  })?;
  Ok(started.elapsed().as_secs_f64())
}

/// The best time of `repeats` timed runs, after one untimed run that faults in the pages.
fn best_time(
  repeats: usize,
  threads: usize,
  arrays: (&mut [f64], &[f64], &[f64]),
  kernel: fn(&mut [f64], &[f64], &[f64]),
) -> Result<f64, ProbeError> {
  let (a, b, c) = arrays;
  timed_parallel(threads, a, b, c, kernel)?;
  let mut best = f64::INFINITY;
  for _ in 0..repeats {
    best = best.min(timed_parallel(threads, a, b, c, kernel)?);
  }
  Ok(best)
}

/// Measures copy and triad over arrays of `elements` f64 each (three arrays), split across `threads`
/// threads, and returns the best rates of `repeats` runs, write-allocate included.
///
/// # Errors
/// [`ProbeError`] if the arrays cannot be allocated or a thread cannot start.
pub fn measure(elements: usize, repeats: usize, threads: usize) -> Result<Bandwidth, ProbeError> {
  let (mut a, b, c) = (filled(elements, 1.0)?, filled(elements, 2.0)?, filled(elements, 0.5)?);
  let copy_time = best_time(repeats, threads, (&mut a, &b, &c), |x, y, _| copy(x, y))?;
  let triad_time = best_time(repeats, threads, (&mut a, &b, &c), |x, y, z| triad(x, y, z, 3.0))?;
  let n = elements as f64;
  Ok(Bandwidth { copy: n * COPY_BYTES_PER_ELEMENT / copy_time, triad: n * TRIAD_BYTES_PER_ELEMENT / triad_time })
}

/// Seconds to write `bytes` (rounded down to whole f64) of freshly allocated memory once, split across `threads` threads (each
/// writes one contiguous part), after asking for 2 MiB pages if `huge_pages`. Fresh memory is not yet
/// mapped: its first write faults in every page, which the kernel zeroes. That cost, not the write
/// itself, is the floor under making new fields of this size, whatever fills them.
///
/// # Errors
/// [`ProbeError`] if the memory cannot be allocated or a thread cannot start.
pub fn first_write(bytes: usize, threads: usize, huge_pages: bool) -> Result<f64, ProbeError> {
  let elements = bytes / std::mem::size_of::<f64>();
  let allocated = elements * std::mem::size_of::<f64>();
  let mut fresh: Vec<f64> = Vec::new();
  fresh.try_reserve_exact(elements)?;
  let spare = &mut fresh.spare_capacity_mut()[..elements];
  if huge_pages {
    // Advice only: if the kernel refuses, the pages are 4 KiB ones, as without it.
    let _ = crate::memory::advise_huge_pages(spare.as_ptr() as usize, allocated);
  }
  let part = elements.div_ceil(threads.max(1)).max(1);
  let started = Instant::now();
  std::thread::scope(|scope| -> Result<(), ProbeError> {
    let mut handles = Vec::with_capacity(threads);
    for chunk in spare.chunks_mut(part) {
      let write = move || chunk.fill(std::mem::MaybeUninit::new(0.0));
      handles.push(std::thread::Builder::new().spawn_scoped(scope, write)?);
    }
    for handle in handles {
      // A fill cannot panic; treat a panic as a failed thread all the same.
      handle.join().map_err(|_| std::io::Error::other("probe thread panicked"))?;
    }
    Ok(())
  })?;
  let seconds = started.elapsed().as_secs_f64();
  black_box(&fresh);
  Ok(seconds)
}

#[cfg(test)]
mod tests {
  use super::*;

  /// Test that copy reproduces every element, across several blocks and a ragged tail.
  #[test]
  fn copy_copies_every_element() {
    let a: Vec<f64> = (0..10_007).map(f64::from).collect();
    let mut b = vec![0.0; a.len()];
    copy(&mut b, &a);
    assert_eq!(a, b);
  }

  /// Test that triad computes b + s·c element by element.
  #[test]
  fn triad_computes_each_element() {
    let (b, c) = (vec![1.5, -2.0, 4.0], vec![2.0, 0.25, -1.0]);
    let mut a = vec![0.0; 3];
    triad(&mut a, &b, &c, 3.0);
    assert_eq!(a, vec![7.5, -1.25, 1.0]);
  }

  /// Test that an uneven split across threads still covers every element exactly once.
  #[test]
  fn parallel_split_covers_the_arrays() {
    let b: Vec<f64> = (0..1_001).map(f64::from).collect();
    let c = vec![1.0; b.len()];
    let mut a = vec![-1.0; b.len()];
    timed_parallel(3, &mut a, &b, &c, |x, y, z| triad(x, y, z, 2.0)).unwrap();
    let expected: Vec<f64> = b.iter().map(|y| y + 2.0).collect();
    assert_eq!(a, expected);
  }

  /// Test that a first write of fresh memory takes a positive, finite time, with and without the advice.
  #[test]
  fn first_write_takes_finite_time() {
    for (threads, huge) in [(1, false), (2, false), (3, true)] {
      let seconds = first_write(8 << 20, threads, huge).unwrap();
      assert!(seconds.is_finite() && seconds > 0.0, "{threads} threads, huge {huge}: {seconds}");
    }
  }

  /// Test that a small measurement gives positive, finite rates on one and two threads.
  #[test]
  fn measure_gives_finite_rates() {
    for threads in [1, 2] {
      let rates = measure(100_000, 2, threads).unwrap();
      assert!(rates.copy.is_finite() && rates.copy > 0.0, "copy on {threads} threads: {rates:?}");
      assert!(rates.triad.is_finite() && rates.triad > 0.0, "triad on {threads} threads: {rates:?}");
    }
  }
}
