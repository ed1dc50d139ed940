//! A worker's share of the shared fields: node rows [start, end), the peers it meets, and the ghost
//! rows it refreshes.

use std::slice;

use crate::boundary::{fill_ghost_row, fill_ghost_row_with, CellCoefficients, GhostRow};
use crate::error::KernelError;

/// The two halo-padded fields, each `len` values, shared by every worker and addressed through raw
/// pointers (see `schedule` for which slices each phase may form).
pub struct SharedFields {
  pub buffers: [*mut f64; 2],
  pub len: usize,
}

impl SharedFields {
  /// Refreshes ghost row `job` of buffer `buffer` (0 or 1) from the rows it reads in that buffer,
  /// with each cell's own coefficients when `cells` are given (the target row's: a variable
  /// diffusivity's faces, or side data of t from the ring).
  ///
  /// # Safety
  /// The buffer must hold `job`'s rows (rows of `stride`, validated by [`Band::validate`], which
  /// also keeps `target` apart from the rows read); nobody may write the rows read, nor read or
  /// write the target row, during the call.
  pub unsafe fn fill_ghost_row(&self, buffer: usize, stride: usize, job: &GhostRow, cells: Option<CellCoefficients>) {
    let base = self.buffers[buffer];
    // SAFETY: the rows are inside the buffer and distinct from the target (validated); by the
    // caller's contract no other thread touches them now, so these are the only references.
    let (inside, target) = unsafe {
      (
        slice::from_raw_parts(base.add(job.inside * stride), stride),
        slice::from_raw_parts_mut(base.add(job.target * stride), stride),
      )
    };
    let boundary = if job.reads_boundary() {
      // SAFETY: as for `inside`.
      unsafe { slice::from_raw_parts(base.add(job.boundary * stride), stride) }
    } else {
      &[]
    };
    match cells {
      Some(cells) => fill_ghost_row_with(target, inside, boundary, job.rule, cells),
      None => fill_ghost_row(target, inside, boundary, job.rule),
    }
  }

  /// As [`Self::fill_ghost_row`], then flushes the ghost row's subnormals if `flush`.
  ///
  /// # Safety
  /// As [`Self::fill_ghost_row`].
  pub unsafe fn fill_ghost_row_flushed(
    &self,
    buffer: usize,
    stride: usize,
    job: &GhostRow,
    cells: Option<CellCoefficients>,
    flush: bool,
  ) {
    // SAFETY: the caller's contract.
    unsafe { self.fill_ghost_row(buffer, stride, job, cells) };
    if flush {
      // SAFETY: the target row is inside the buffer (validated) and, by the caller's contract, only
      // this thread touches it now.
      flush_subnormals(unsafe { slice::from_raw_parts_mut(self.buffers[buffer].add(job.target * stride), stride) });
    }
  }
}

/// One thread's share of the work.
#[derive(Clone, Debug, PartialEq)]
pub struct Band<'a> {
  /// Node rows [start, end).
  pub start: usize,
  pub end: usize,
  /// Threads that meet at the barrier, this one included.
  pub parties: i32,
  /// The ghost rows this thread refreshes after each step.
  pub ghost_rows: &'a [GhostRow],
  /// Store every subnormal result as +0 (rows and ghost rows, right after they are written), so that
  /// a field decaying towards zero never runs at the CPU's slow subnormal speed.
  pub flush_subnormals: bool,
}

/// Replaces every subnormal value (0 < |v| < 2^-1022) by +0; zeros, normals, infinities and NaN stay.
/// The same exact comparison on every instruction set, so the bits never depend on the CPU.
pub fn flush_subnormals(values: &mut [f64]) {
  #[cfg(target_arch = "x86_64")]
  if std::is_x86_feature_detected!("avx2") {
    // SAFETY: the CPU has AVX2 (checked just above).
    return unsafe { flush_avx2(values) };
  }
  flush(values);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn flush_avx2(values: &mut [f64]) {
  flush(values);
}

#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn flush(values: &mut [f64]) {
  for v in values {
    // A branch-free select, so the loop vectorises: -0.0 and +0.0 both become +0.0, which is harmless.
    *v = if v.abs() < f64::MIN_POSITIVE { 0.0 } else { *v };
  }
}

impl Band<'_> {
  /// Padded row `row` is one of this band's node rows.
  #[must_use]
  pub fn owns(&self, row: usize) -> bool {
    row > self.start && row <= self.end
  }

  /// Checks what needs no field: rows, parties and ghost rules.
  ///
  /// # Errors
  /// [`KernelError::Argument`] naming what is out of range.
  pub fn validate_shape(&self) -> Result<(), KernelError> {
    if self.start >= self.end || !(1..=1 << 16).contains(&self.parties) {
      let actual = format!("rows {}..{}, parties {}", self.start, self.end, self.parties);
      return Err(KernelError::Argument { what: "band", expected: "start < end and 1 to 65536 parties", actual });
    }
    match self.ghost_rows.iter().find(|job| !job.rule.is_valid()) {
      Some(job) => {
        Err(KernelError::Argument { what: "ghost row rule", expected: "finite a, b and c", actual: format!("{job:?}") })
      }
      None => Ok(()),
    }
  }

  /// Checks that every row this band reads or writes lies inside fields of `len` values with rows
  /// of `stride`, and that each ghost row is made from rows this band owns and is not one of them.
  ///
  /// # Errors
  /// [`KernelError`] naming the first thing that does not fit.
  pub fn validate(&self, stride: usize, fields: &SharedFields, source: Option<&[f64]>) -> Result<(), KernelError> {
    self.validate_shape()?;
    let rows_in_field = fields.len / stride;
    let argument = |what, actual: String| KernelError::Argument { what, expected: "inside the field", actual };
    if !fields.len.is_multiple_of(stride) || rows_in_field < 3 {
      return Err(argument("field length", format!("{} values for rows of {stride}", fields.len)));
    }
    if self.end + 2 > rows_in_field {
      return Err(argument("band", format!("rows {}..{} of {}", self.start, self.end, rows_in_field - 2)));
    }
    for job in self.ghost_rows {
      let owned = self.owns(job.inside) && (!job.reads_boundary() || self.owns(job.boundary));
      if !owned || job.target >= rows_in_field || job.reads(job.target) {
        return Err(argument("ghost row", format!("{job:?} for band {}..{}", self.start, self.end)));
      }
    }
    match source {
      Some(s) if s.len() != fields.len => {
        Err(KernelError::Length { what: "source", expected: fields.len, actual: s.len() })
      }
      _ => Ok(()),
    }
  }
}
