//! A worker's ADI loop (Peaceman–Rachford, see `stencil::lines`): per step, two phases and two barriers,
//!
//!   x-lines of the band's rows: u* into buffer 1 − p from uⁿ in buffer p, with u*'s ghost columns
//!   barrier
//!   y-lines of the block's columns: uⁿ⁺¹ back into buffer p from u*, with its ghost rows
//!   barrier
//!
//! so the buffers do not swap. Slices are formed only over memory no other thread writes in that phase:
//! - x phase: nobody writes buffer p, so shared slices of its rows are sound; a thread writes only its
//!   own rows of buffer 1 − p, which nobody reads before the barrier;
//! - y phase: nobody writes buffer 1 − p; a thread reads and writes buffer p only over its own columns
//!   (node rows, and the ghost rows' cells of those columns), which no other thread touches.
//!
//! Each strip of the y phase first copies uⁿ⁺¹'s fixed bottom and top values from buffer 1 − p over its
//! columns, where the main thread wrote Dirichlet data that vary in time (buffer p's fixed rows hold uⁿ's
//! until the x phase is done). With `lines.variable` the phases run the conservative operator's solves
//! (`stencil::lines_variable`) over the faces buffer.
//!
//! An abort drops a step only at the barrier after its x phase: the y phase overwrites uⁿ, so once
//! begun it is finished, and a stop or abort decided after it counts the step as done.

use std::slice;

use super::Outcome;
use crate::error::KernelError;
use crate::grid::SharedFields;
use crate::stencil::all_finite;
use crate::stencil::lines::{
  back_segment, cyclic_correct, cyclic_factors, forward_segment, ghost_segment, solve_rows, Lines, SegmentRows,
};
use crate::stencil::lines_variable::{
  back_strip_row, cyclic_strip_correct, cyclic_strip_factors, forward_strip_row, ghost_segment_with, scratch_len,
  solve_rows_variable, StripRows, StripScratch, GROUP, STRIP_WIDTH,
};
use crate::stencil::Faces;
use crate::sync::{Control, Release};

/// Everything one thread's ADI run needs besides how far it goes.
pub struct LineRun<'a> {
  pub fields: &'a SharedFields,
  pub source: Option<&'a [f64]>,
  /// The faces buffer (the conservative operator's, required when `lines.variable`).
  pub faces: Option<Faces<'a>>,
  /// One source weight per step (dt/2·g(t)) in place of `half_dt`, for a separable source of t.
  pub weights: Option<&'a [f64]>,
  pub control: &'a Control<'a>,
  /// Node rows [start, end) of the x phase.
  pub rows: (usize, usize),
  /// Node columns [start, end) of the y phase (possibly empty).
  pub columns: (usize, usize),
  pub parties: i32,
  pub lines: &'a Lines,
}

impl LineRun<'_> {
  /// Checks everything the loop relies on, before any memory is touched.
  fn validate(&self, scratch: &[f64]) -> Result<(), KernelError> {
    let lines = self.lines;
    lines.validate()?;
    let len = lines.stride() * (lines.ny + 2);
    if self.fields.len != len {
      return Err(KernelError::Length { what: "fieldA", expected: len, actual: self.fields.len });
    }
    if self.source.is_some_and(|s| s.len() != len) {
      return Err(KernelError::Length { what: "source", expected: len, actual: self.source.map_or(0, <[f64]>::len) });
    }
    if self.faces.as_ref().map_or(lines.variable, |f| f.east.len() != len) {
      let actual = self.faces.as_ref().map_or(0, |f| 4 * f.east.len());
      return Err(KernelError::Length { what: "faces", expected: 4 * len, actual });
    }
    let (x, y) = (&lines.x, &lines.y);
    let (r, c) = (self.rows, self.columns);
    let rows_ok = r.0 < r.1 && r.0 >= y.first && r.1 <= y.first + y.count;
    let columns_ok = c.0 <= c.1 && (c.0 == c.1 || (c.0 >= x.first && c.1 <= x.first + x.count));
    let needed = if lines.variable { scratch_len(lines, STRIP_WIDTH) } else { lines.stride() };
    if !rows_ok || !columns_ok || scratch.len() < needed {
      let actual = format!("rows {}..{}, columns {}..{}", r.0, r.1, c.0, c.1);
      return Err(KernelError::Argument { what: "band", expected: "rows and columns among the unknowns", actual });
    }
    let control = self.control.parties();
    if control != self.parties {
      return Err(KernelError::Parties { band: self.parties, control });
    }
    Ok(())
  }
}

/// Rows per slice of the x phase between two looks at the abort request (about 64k values).
fn rows_per_slice(stride: usize) -> usize {
  (65_536 / stride).max(1)
}

/// The x-lines of the band's rows from buffer `parity`; false if an abort request cut them short.
unsafe fn x_phase(run: &LineRun, scratch: &mut [f64], parity: usize, weight: f64) -> bool {
  let stride = run.lines.stride();
  let (src, mid) = (run.fields.buffers[parity], run.fields.buffers[1 - parity]);
  let mut r = run.rows.0;
  let mut next_look = r;
  while r < run.rows.1 {
    if r >= next_look {
      if run.control.aborting() {
        return false;
      }
      next_look = r + rows_per_slice(stride);
    }
    let n = if run.rows.1 - r >= GROUP { GROUP } else { 1 };
    // SAFETY: padded rows r + 1..r + n + 1 of the other buffer are this thread's own in this phase; no
    // other thread reads or writes them before the barrier.
    let dst = unsafe { slice::from_raw_parts_mut(mid.add((r + 1) * stride), n * stride) };
    if let (true, Some(faces)) = (run.lines.variable, &run.faces) {
      // SAFETY: the whole buffer `parity` is inside the field (validated) and nobody writes it in this phase.
      let all = unsafe { slice::from_raw_parts(src, run.fields.len) };
      let at = (r + 1) * stride;
      if n == GROUP {
        solve_rows_variable::<GROUP>(run.lines, faces, all, dst, at, run.source, weight, scratch);
      } else {
        solve_rows_variable::<1>(run.lines, faces, all, dst, at, run.source, weight, scratch);
      }
      r += n;
      continue;
    }
    // SAFETY: padded rows r..r + n + 2 are inside the field (validated) and nobody writes buffer
    // `parity` in this phase.
    let rows = unsafe { slice::from_raw_parts(src.add(r * stride), (n + 2) * stride) };
    let f = run.source.map(|s| &s[(r + 1) * stride..(r + 1 + n) * stride]);
    if n == GROUP {
      solve_rows::<GROUP>(run.lines, rows, dst, f, weight);
    } else {
      solve_rows::<1>(run.lines, rows, dst, f, weight);
    }
    r += n;
  }
  true
}

/// Bytes of one strip of y-lines (columns × rows): small enough that its back sweep runs from cache.
const STRIP_BYTES: usize = 256 * 1024;

/// The y-lines of the block's columns into buffer `parity`, a strip of columns at a time (each
/// column's arithmetic is the same whatever the strips), and its ghost rows; returns whether every
/// value is finite.
unsafe fn y_phase(run: &LineRun, scratch: &mut [f64], parity: usize, weight: f64) -> bool {
  let (start, end) = run.columns;
  let width =
    if run.lines.variable { STRIP_WIDTH } else { (STRIP_BYTES / (8 * (run.lines.y.count + 2))).clamp(8, 1024) };
  let mut finite = true;
  for first in (start..end).step_by(width) {
    let strip = (first, (first + width).min(end));
    // SAFETY: the caller's contract, for a strip of this thread's columns.
    finite &= unsafe {
      if run.lines.variable {
        y_strip_variable(run, scratch, parity, strip, weight)
      } else {
        y_strip(run, scratch, parity, strip, weight)
      }
    };
  }
  finite
}

/// Segments of one buffer over a strip of this thread's columns, by padded row.
struct Strip {
  out: *mut f64,
  stride: usize,
  start: usize,
  width: usize,
}

impl Strip {
  /// SAFETY (callers): the row is a padded row of the field, the columns are this thread's own in the y
  /// phase (nobody else reads or writes them), and no mutable segment of the same row is alive.
  unsafe fn seg(&self, row: usize) -> &[f64] {
    // SAFETY: as the caller promises.
    unsafe { slice::from_raw_parts(self.out.add(row * self.stride + self.start + 1), self.width) }
  }

  /// SAFETY (callers): as `seg`, and no other segment of the same row is alive.
  #[expect(clippy::mut_from_ref, reason = "segments of distinct rows of a raw shared buffer, as the caller promises")]
  unsafe fn seg_mut(&self, row: usize) -> &mut [f64] {
    // SAFETY: as the caller promises.
    unsafe { slice::from_raw_parts_mut(self.out.add(row * self.stride + self.start + 1), self.width) }
  }
}

impl Strip {
  /// The strip's cells of the bottom and top ghost rows, by their rules (with each cell's b and c from
  /// `faces` when given). SAFETY (callers): as `seg_mut`, for the ghost rows and the rows they read.
  unsafe fn ghost_rows(&self, lines: &Lines, faces: Option<&Faces>) {
    let (ny, wrap) = (lines.ny, crate::boundary::GhostRule::Wrap);
    let ends = [
      (lines.bottom, 0, if lines.bottom == wrap { ny } else { 2 }, 1),
      (lines.top, ny + 1, if lines.top == wrap { 1 } else { ny - 1 }, ny),
    ];
    for (rule, target, inside, boundary) in ends {
      // SAFETY: as the caller promises; the target row differs from the rows read.
      let (t, i, b) = unsafe { (self.seg_mut(target), self.seg(inside), self.seg(boundary)) };
      match faces {
        None => ghost_segment(rule, t, i, b),
        Some(faces) => {
          let at = target * self.stride + self.start + 1..target * self.stride + self.start + 1 + self.width;
          ghost_segment_with(rule, t, i, b, &faces.ghost_b[at.clone()], &faces.ghost_c[at]);
        }
      }
    }
  }
}

/// uⁿ⁺¹'s fixed bottom and top nodes of the strip, from the other buffer (`mid`), where the main
/// thread put data that vary in time: this buffer's fixed rows held uⁿ's until the x phase was done.
unsafe fn take_fixed_rows(run: &LineRun, strip: &Strip, mid: &[f64]) {
  let y = &run.lines.y;
  for (fixed, row) in [(y.low.fixed, y.first), (y.high.fixed, y.first + y.count + 1)] {
    if fixed {
      let at = row * strip.stride + strip.start + 1;
      // SAFETY: the strip's row `row` is a padded row (the fixed row beside the unknowns), this thread's own.
      unsafe { strip.seg_mut(row) }.copy_from_slice(&mid[at..at + strip.width]);
    }
  }
}

/// The y-lines of the columns [start, end) of this thread's block.
unsafe fn y_strip(
  run: &LineRun,
  scratch: &mut [f64],
  parity: usize,
  (start, end): (usize, usize),
  weight: f64,
) -> bool {
  let lines = run.lines;
  let (stride, width, y) = (lines.stride(), end - start, &lines.y);
  let mid = run.fields.buffers[1 - parity];
  let strip = Strip { out: run.fields.buffers[parity], stride, start, width };
  // SAFETY: nobody writes buffer 1 − parity in this phase.
  let mid_all = unsafe { slice::from_raw_parts(mid, run.fields.len) };
  // SAFETY: the strip's rows and columns are this thread's own (see `Strip`).
  unsafe { take_fixed_rows(run, &strip, mid_all) };
  // Every row asked for below is a padded row of the field (0..=ny + 1, validated), and no two segments
  // of one row are alive at once.
  // SAFETY: see `Strip`.
  let seg = |row: usize| unsafe { strip.seg(row) };
  // SAFETY: see `Strip`; the only reference to this row's segment while it lives.
  let seg_mut = |row: usize| unsafe { strip.seg_mut(row) };
  let r0 = y.first + 1;
  for k in 0..y.count {
    let row = r0 + k;
    let mid_row = &mid_all[row * stride..(row + 1) * stride];
    let f = run.source.map(|s| &s[row * stride..(row + 1) * stride]);
    let rows = SegmentRows { weight, mid: mid_row, f, below: seg(row - 1), above: seg(row + 1) };
    forward_segment(lines, k, start, &rows, seg_mut(row));
  }
  for k in (0..y.count - 1).rev() {
    back_segment(y.upper[k], seg_mut(r0 + k), seg(r0 + k + 1));
  }
  if let Some(cyclic) = &y.cyclic {
    let factors = &mut scratch[..width];
    cyclic_factors(cyclic, factors, seg(r0), seg(r0 + y.count - 1));
    for (k, &z) in cyclic.z.iter().enumerate() {
      cyclic_correct(z, seg_mut(r0 + k), factors);
    }
  }
  // SAFETY: the strip's rows and columns are this thread's own (see `Strip`).
  unsafe { strip.ghost_rows(lines, None) };
  (0..y.count).all(|k| all_finite(seg(r0 + k)))
}

/// The conservative operator's y-lines of the columns [start, end) of this thread's block (see
/// `stencil::lines_variable`), with per-cell ghost rows.
unsafe fn y_strip_variable(
  run: &LineRun,
  scratch: &mut [f64],
  parity: usize,
  (start, end): (usize, usize),
  weight: f64,
) -> bool {
  let (lines, Some(faces)) = (run.lines, run.faces.as_ref()) else { return false };
  let (stride, width, y) = (lines.stride(), end - start, &lines.y);
  let strip = Strip { out: run.fields.buffers[parity], stride, start, width };
  // SAFETY: nobody writes buffer 1 − parity in this phase.
  let mid = unsafe { slice::from_raw_parts(run.fields.buffers[1 - parity], run.fields.len) };
  // SAFETY: the strip's rows and columns are this thread's own (see `Strip`).
  unsafe { take_fixed_rows(run, &strip, mid) };
  // SAFETY: see `Strip`; rows are padded rows of the field (validated), one live segment per row.
  let seg = |row: usize| unsafe { strip.seg(row) };
  // SAFETY: as for `seg`; the only reference to this row's segment while it lives.
  let seg_mut = |row: usize| unsafe { strip.seg_mut(row) };
  let (up, rest) = scratch.split_at_mut(y.count * width);
  let (zz, rest) = rest.split_at_mut(y.count * width);
  let mut s = StripScratch { up, zz, ends: &mut rest[..3 * width] };
  let r0 = y.first + 1;
  for k in 0..y.count {
    let row = r0 + k;
    let rows = StripRows { mid, f: run.source, below: seg(row - 1), above: seg(row + 1) };
    forward_strip_row(lines, faces, k, row * stride + start + 1, &rows, seg_mut(row), weight, &mut s);
  }
  let wraps = lines.bottom == crate::boundary::GhostRule::Wrap;
  for k in (0..y.count - 1).rev() {
    back_strip_row(k, seg_mut(r0 + k), seg(r0 + k + 1), &mut s, wraps);
  }
  if wraps {
    cyclic_strip_factors(y.count, seg(r0), seg(r0 + y.count - 1), &mut s);
    for k in 0..y.count {
      cyclic_strip_correct(k, seg_mut(r0 + k), &s);
    }
  }
  // SAFETY: the strip's rows and columns are this thread's own (see `Strip`).
  unsafe { strip.ghost_rows(lines, Some(faces)) };
  (0..y.count).all(|k| all_finite(seg(r0 + k)))
}

/// Runs up to `steps` ADI steps from buffer `parity` (which holds the result after each step).
///
/// # Safety
/// As [`super::run_band`]: two distinct live buffers of `fields.len` values, shared only with peers
/// running this function with the same lines, parties and control block on disjoint rows and columns.
///
/// # Errors
/// A [`KernelError`] if the lines, band, fields, source or control block do not fit.
pub unsafe fn run_lines(
  run: &LineRun,
  scratch: &mut [f64],
  steps: usize,
  parity: usize,
) -> Result<Outcome, KernelError> {
  run.validate(scratch)?;
  if let Some(w) = run.weights.filter(|w| w.len() < steps || !w.iter().all(|v| v.is_finite())) {
    let actual = format!("{} values for {steps} steps", w.len());
    return Err(KernelError::Argument { what: "weights", expected: "a finite weight per step", actual });
  }
  let parity = parity & 1;
  let stopped = |steps, abandoned| Ok(Outcome { steps, abandoned, lost: false });
  for done in 0..steps {
    // The source's weight: dt/2, or this step's dt/2·g(t_{n+1/2}).
    let weight = run.weights.map_or(run.lines.half_dt, |w| w[done]);
    // SAFETY: validated above; the caller's contract covers the rest.
    unsafe { x_phase(run, scratch, parity, weight) };
    match run.control.wait(run.parties) {
      Release::Go | Release::Stop => {}
      // uⁿ is intact: the step is dropped.
      Release::Abort => return stopped(done, false),
      Release::Abandoned => return stopped(done, true),
    }
    // SAFETY: as above.
    if !unsafe { y_phase(run, scratch, parity, weight) } {
      run.control.flag_non_finite(0);
    }
    match run.control.wait(run.parties) {
      Release::Go => {}
      Release::Stop | Release::Abort => return stopped(done + 1, false),
      Release::Abandoned => return Ok(Outcome { steps: done, abandoned: true, lost: true }),
    }
  }
  stopped(steps, false)
}
