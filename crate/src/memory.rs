//! Paging advice for the memory the fields live in. A field of a large grid spans hundreds of MB; on
//! 4 KiB pages its first touch is one page fault per 4 KiB and a sweep misses the TLB all along. Linux
//! backs anonymous memory with 2 MiB transparent huge pages where the program asks for them
//! (`madvise(MADV_HUGEPAGE)`), which is the only way they are used when the kernel's policy is
//! `madvise` (/sys/kernel/mm/transparent_hugepage/enabled). Advice changes how pages are backed,
//! never what they hold.

/// The size of a transparent huge page on x86-64 and of most arm64 kernels' PMD mappings.
pub const HUGE_PAGE_BYTES: usize = 2 << 20;

/// The whole huge pages inside the bytes `start..start + len`, as (first byte, length): the range
/// rounded inwards to `HUGE_PAGE_BYTES`. None when it holds no whole huge page (or would overflow).
#[must_use]
pub fn huge_page_interior(start: usize, len: usize) -> Option<(usize, usize)> {
  let end = start.checked_add(len)?;
  let first = start.checked_next_multiple_of(HUGE_PAGE_BYTES)?;
  let last = end - end % HUGE_PAGE_BYTES;
  // Not then_some: its argument would be evaluated, and underflow, when the range holds no page.
  if last > first {
    Some((first, last - first))
  } else {
    None
  }
}

/// Asks the kernel to back the whole huge pages inside `start..start + len` with transparent huge
/// pages. True if it took the advice; false if the range holds no whole huge page, or the kernel
/// refused (no THP support, or memory that is not anonymous). Pages already touched stay as they are
/// until the kernel's background collapse gets to them: advise before the first write.
///
/// The range must be memory of this process that stays mapped for the call (a typed array's
/// elements); it is neither read nor written.
#[cfg(target_os = "linux")]
#[must_use]
pub fn advise_huge_pages(start: usize, len: usize) -> bool {
  let Some((first, bytes)) = huge_page_interior(start, len) else {
    return false;
  };
  // SAFETY: first..first + bytes lies inside the caller's live allocation (rounded inwards) and is
  // page-aligned, as madvise requires. MADV_HUGEPAGE only sets the backing policy of the mapping: it
  // neither reads, writes, unmaps nor zeroes any byte, so no Rust or JS view of the memory changes.
  let status = unsafe { libc::madvise(first as *mut libc::c_void, bytes, libc::MADV_HUGEPAGE) };
  status == 0
}

/// Elsewhere there is no such advice: nothing is done.
#[cfg(not(target_os = "linux"))]
#[must_use]
pub fn advise_huge_pages(_start: usize, _len: usize) -> bool {
  false
}

/// Bytes one `madvise(MADV_POPULATE_WRITE)` call of a background prefault covers: a stop request is
/// seen between two of them.
const PREFAULT_CHUNK: usize = HUGE_PAGE_BYTES;
/// The page size the prefault rounds its range inwards to (the smallest page of x86-64 and arm64 Linux).
const SMALL_PAGE_BYTES: usize = 4096;

/// A background thread faulting in the pages of a range for writing, from its start, while another
/// thread writes the range's values (the main thread evaluating a user's function into a fresh field):
/// the page faults, which the kernel answers by zeroing each new page, go to another core.
/// `madvise(MADV_POPULATE_WRITE)` (Linux 5.14 and later) faults pages in as a write would, without
/// writing: no value changes, whoever gets to a page first. Where the kernel refuses (older kernels,
/// other systems) the thread stops at once and the writer faults its pages itself, as without it.
pub struct Prefault {
  stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
  thread: Option<std::thread::JoinHandle<usize>>,
}

impl Prefault {
  /// Starts prefaulting the whole small pages inside `start..start + len`. The range must be memory of
  /// this process that stays mapped until [`Prefault::join`] returns (or the handle is dropped); it is
  /// neither read nor written. None if no thread could be started (nothing is prefaulted then).
  #[must_use]
  pub fn start(start: usize, len: usize) -> Option<Self> {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&stop);
    let thread =
      std::thread::Builder::new().name("calor-prefault".into()).spawn(move || populate(start, len, &flag)).ok()?;
    Some(Self { stop, thread: Some(thread) })
  }

  /// Stops the thread after its current chunk and waits for it; returns the bytes it prefaulted.
  pub fn join(&mut self) -> usize {
    self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    self.finish()
  }

  /// Waits for the thread to get through the whole range (or be refused); returns the bytes it prefaulted.
  pub fn finish(&mut self) -> usize {
    self.thread.take().map_or(0, |t| t.join().unwrap_or(0))
  }
}

impl Drop for Prefault {
  fn drop(&mut self) {
    self.join();
  }
}

/// Prefaults the whole small pages inside `start..start + len` chunk by chunk until done, refused or
/// asked to stop; returns the bytes prefaulted.
#[cfg(target_os = "linux")]
fn populate(start: usize, len: usize, stop: &std::sync::atomic::AtomicBool) -> usize {
  let Some(first) = start.checked_next_multiple_of(SMALL_PAGE_BYTES) else { return 0 };
  let Some(end) = start.checked_add(len) else { return 0 };
  let last = end - end % SMALL_PAGE_BYTES;
  let mut at = first;
  while at < last && !stop.load(std::sync::atomic::Ordering::Relaxed) {
    let bytes = PREFAULT_CHUNK.min(last - at);
    // SAFETY: at..at + bytes lies inside the caller's live allocation (rounded inwards to whole pages)
    // and is page-aligned, as madvise requires. MADV_POPULATE_WRITE faults the pages in as a write
    // would but writes nothing: no byte any Rust or JS view can see changes, whoever touches it first.
    let status = unsafe { libc::madvise(at as *mut libc::c_void, bytes, libc::MADV_POPULATE_WRITE) };
    if status != 0 {
      break;
    }
    at += bytes;
  }
  at.saturating_sub(first)
}

/// Elsewhere there is no such advice: nothing is prefaulted.
#[cfg(not(target_os = "linux"))]
fn populate(_start: usize, _len: usize, _stop: &std::sync::atomic::AtomicBool) -> usize {
  0
}

#[cfg(test)]
mod tests {
  use super::*;

  const H: usize = HUGE_PAGE_BYTES;

  #[test]
  fn interior_rounds_inwards() {
    let cases = [
      ((0, 2 * H), Some((0, 2 * H)), "aligned both ends"),
      ((16, 3 * H), Some((H, 2 * H)), "start rounds up, end rounds down"),
      ((H - 1, H + 1), Some((H, H)), "exactly one page inside"),
      ((1, 2 * H - 2), None, "no whole page"),
      ((H, H - 1), None, "shorter than a page"),
      ((5 * H, 0), None, "empty"),
      ((usize::MAX - 8, 16), None, "overflow"),
    ];
    for ((start, len), expected, what) in cases {
      assert_eq!(huge_page_interior(start, len), expected, "{what}");
    }
  }

  #[test]
  fn small_ranges_are_not_advised() {
    let v = vec![0_u64; 1024];
    assert!(!advise_huge_pages(v.as_ptr() as usize, v.len() * 8));
  }

  #[cfg(target_os = "linux")]
  #[test]
  fn a_large_allocation_is_advised_and_keeps_its_values() {
    let mut v = vec![0_u64; 3 * H / 8];
    v.iter_mut().enumerate().for_each(|(k, x)| *x = k as u64);
    let advised = advise_huge_pages(v.as_ptr() as usize, v.len() * 8);
    // A kernel built without THP refuses; the values are untouched either way.
    let thp = std::path::Path::new("/sys/kernel/mm/transparent_hugepage/enabled").exists();
    assert_eq!(advised, thp);
    assert!(v.iter().enumerate().all(|(k, &x)| x == k as u64));
  }

  #[cfg(target_os = "linux")]
  #[test]
  fn a_prefault_faults_in_pages_and_changes_no_value() {
    let mut v = vec![0_u64; 8 * PREFAULT_CHUNK / 8 + 3];
    v.iter_mut().step_by(512).enumerate().for_each(|(k, x)| *x = k as u64 + 1);
    let mut prefault = Prefault::start(v.as_ptr() as usize, v.len() * 8).expect("a thread");
    // Write while it runs, as the main thread does: some pages it has reached, some it has not.
    v.iter_mut().skip(1).step_by(4096).for_each(|x| *x = 7);
    let bytes = prefault.finish();
    // A kernel from 5.14 on does it all (the last partial page is left out); before, it refuses at once.
    assert!(bytes == 0 || bytes >= 8 * PREFAULT_CHUNK - SMALL_PAGE_BYTES, "{bytes}");
    assert_eq!(prefault.join(), 0, "a second join finds no thread");
    for (k, &x) in v.iter().enumerate() {
      let want = if k % 4096 == 1 {
        7
      } else if k % 512 == 0 {
        (k / 512) as u64 + 1
      } else {
        0
      };
      assert_eq!(x, want, "element {k}");
    }
  }

  #[test]
  fn a_prefault_of_less_than_a_page_does_nothing() {
    let v = [1_u64; 4];
    let mut prefault = Prefault::start(v.as_ptr() as usize + 1, 30).expect("a thread");
    assert_eq!(prefault.join(), 0);
    assert_eq!(v, [1; 4]);
  }
}
