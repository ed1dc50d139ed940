//! A padded field shared between threads, addressed cell by cell (see `plane_lines`).

/// A padded field shared between threads, read and written one cell at a time.
#[derive(Clone, Copy, Debug)]
pub struct Cells {
  ptr: *mut f64,
  len: usize,
}

impl Cells {
  /// # Safety
  /// `ptr` must be valid for reads and writes of `len` values while the `Cells` is used, and no two
  /// threads may access one cell in a phase unless both only read it.
  #[must_use]
  pub unsafe fn new(ptr: *mut f64, len: usize) -> Self {
    Self { ptr, len }
  }

  #[inline]
  pub(crate) fn get(self, i: usize) -> f64 {
    debug_assert!(i < self.len);
    // SAFETY: every index the kernels form lies inside a validated field of `len` values, and the
    // constructor's contract rules out a concurrent write of this cell.
    unsafe { self.ptr.add(i).read() }
  }

  /// `len` cells from `at` as a slice.
  ///
  /// # Safety
  /// The cells lie in the field, and nobody writes them while the slice lives.
  #[inline]
  pub(crate) unsafe fn slice<'a>(self, at: usize, len: usize) -> &'a [f64] {
    debug_assert!(at + len <= self.len);
    // SAFETY: as the caller promises.
    unsafe { std::slice::from_raw_parts(self.ptr.add(at), len) }
  }

  /// `len` cells from `at` as a mutable slice.
  ///
  /// # Safety
  /// The cells lie in the field, and nobody else reads or writes them while the slice lives.
  #[inline]
  pub(crate) unsafe fn slice_mut<'a>(self, at: usize, len: usize) -> &'a mut [f64] {
    debug_assert!(at + len <= self.len);
    // SAFETY: as the caller promises.
    unsafe { std::slice::from_raw_parts_mut(self.ptr.add(at), len) }
  }

  #[inline]
  pub(crate) fn set(self, i: usize, v: f64) {
    debug_assert!(i < self.len);
    // SAFETY: as `get`; no other thread reads or writes this cell in this phase.
    unsafe { self.ptr.add(i).write(v) }
  }
}
