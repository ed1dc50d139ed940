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
}
