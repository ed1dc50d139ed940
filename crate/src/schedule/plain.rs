//! Plain steps: one step of the band, then one barrier, repeated.

use std::slice;

use super::{job_cells, unit_rows, Outcome, Run};
use crate::boundary::timed::Level;
use crate::error::KernelError;
use crate::grid::flush_subnormals;
use crate::stencil::{step_band, Stencil};
use crate::sync::Release;

/// Up to `steps` plain steps from buffer `parity`.
///
/// # Safety
/// As [`super::run_band`], whose checks must have passed.
pub(super) unsafe fn run(run: &Run, steps: usize, parity: usize) -> Result<Outcome, KernelError> {
  let mut parity = parity;
  for done in 0..steps {
    // SAFETY: the caller's contract (the ring's slot of this step is not written during the run).
    let level = run.timed.map(|t| unsafe { t.level(done) });
    // SAFETY: the caller's contract.
    let finite = unsafe { step_own_rows(run, &run.stencil_of(done), level.as_ref(), parity)? };
    if !finite {
      run.control.flag_non_finite(0);
    }
    parity = 1 - parity;
    match run.control.wait(run.band.parties) {
      Release::Go => {}
      Release::Stop => return Ok(Outcome { steps: done + 1, abandoned: false, lost: false }),
      // The step was dropped: the buffer it read from still holds the state after `done` steps.
      Release::Abort => return Ok(Outcome { steps: done, abandoned: false, lost: false }),
      Release::Abandoned => return Ok(Outcome { steps: done, abandoned: true, lost: false }),
    }
  }
  Ok(Outcome { steps, abandoned: false, lost: false })
}

/// Rows per slice of a step between two looks at the abort request (about 64k values).
fn rows_per_slice(stride: usize) -> usize {
  (65_536 / stride).max(1)
}

/// One step of the band's own rows from buffer `parity`, plus its ghost rows (and with side data of t,
/// `level`, the ring's slot of the step); returns whether all values are finite. On an abort request
/// (or an abandoned barrier) it skips the rest: the barrier then drops the step, and buffer `parity`,
/// which nobody writes during a step, still holds the last complete state.
unsafe fn step_own_rows(
  run: &Run,
  stencil: &Stencil,
  level: Option<&Level>,
  parity: usize,
) -> Result<bool, KernelError> {
  let Run { fields, source, faces, control, band, .. } = *run;
  let stride = stencil.stride();
  let (src, dst) = (fields.buffers[parity], fields.buffers[1 - parity]);
  let mut finite = true;
  let mut first = band.start;
  while first < band.end {
    if control.aborting() {
      return Ok(true);
    }
    let last = (first + rows_per_slice(stride)).min(band.end);
    let rows = last - first;
    // SAFETY: node rows first−1..last+1 of `src` are inside the field (validated) and nobody writes
    // buffer `parity` during this step.
    let halo = unsafe { slice::from_raw_parts(src.add(first * stride), (rows + 2) * stride) };
    // SAFETY: node rows first..last of `dst` are this thread's own: peers own disjoint bands, and
    // nobody reads `dst` before the barrier that ends the step.
    let out = unsafe { slice::from_raw_parts_mut(dst.add((first + 1) * stride), rows * stride) };
    let f = source.map(|s| &s[(first + 1) * stride..(last + 1) * stride]);
    let near = faces.map(|x| x.range(first * stride..(last + 2) * stride));
    if let Some(level) = level {
      for (unit, u) in out.chunks_exact_mut(stride).zip(first + 1..) {
        level.prepare_unit(unit, u);
      }
    }
    finite &= step_band(halo, out, f, near.as_ref(), rows, stencil)?;
    if let Some(level) = level {
      for (unit, u) in out.chunks_exact_mut(stride).zip(first + 1..) {
        level.finish_unit(unit, u, unit_rows(stencil));
      }
    }
    if band.flush_subnormals {
      flush_subnormals(out);
    }
    first = last;
  }
  if let Some(level) = level {
    // Only the first and last evolving units lie just inside a Dirichlet unit: a band's ends at most.
    let first = band.start + 1;
    for u in std::iter::once(first).chain((band.end > first).then_some(band.end)) {
      // SAFETY: the caller's contract; `write_boundary_units` says who may write these units.
      unsafe { super::write_boundary_units(fields, 1 - parity, stride, level, u) };
    }
  }
  for job in band.ghost_rows {
    let cells = job_cells(level, faces.as_ref(), job, stride);
    // SAFETY: the rows read are this thread's own, just written; the target is a ghost row that only
    // this thread writes and nobody reads before the barrier (validated distinct from the rows read).
    unsafe { fields.fill_ghost_row_flushed(1 - parity, stride, job, cells, band.flush_subnormals) };
  }
  Ok(finite)
}
