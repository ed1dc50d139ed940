//! A worker's many-step loop, run natively: step its band, refresh the ghost rows it owns, meet
//! its peers at the barrier, swap buffers; return to JS only when the run is over or stopped.
//!
//! The two fields are shared by all workers and addressed through raw pointers. Each phase forms
//! slices only over memory that no other thread writes during that phase:
//! - in a step from buffer `p` to buffer `1 − p`, nobody writes buffer `p` (every thread writes only
//!   into `1 − p`), so shared slices of it are sound;
//! - a thread writes only its own rows of `1 − p` and the ghost rows it is assigned, which no other
//!   thread reads or writes before the barrier that ends the step.

use std::slice;

use crate::blocked::{run_block, Neighbours};
use crate::boundary::fill_ghost_row;
use crate::error::KernelError;
use crate::kernel::{step_band, Stencil};
use crate::sync::{Control, Release};

/// A ghost row this thread refreshes after each step, from a node row it owns (padded row indices).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GhostRowJob {
  pub target: usize,
  pub from: usize,
  pub offset: f64,
}

/// One thread's share of the work.
pub struct Band<'a> {
  /// Node rows [start, end).
  pub start: usize,
  pub end: usize,
  pub parties: i32,
  pub ghost_rows: &'a [GhostRowJob],
}

/// The two halo-padded fields, each `len` values.
pub struct SharedFields {
  pub buffers: [*mut f64; 2],
  pub len: usize,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
  /// Steps completed (the same for every thread).
  pub steps: usize,
  /// A peer failed and the barrier was abandoned.
  pub abandoned: bool,
  /// Aborted inside a temporal block: the fields hold mixed time levels.
  pub lost: bool,
}

impl Band<'_> {
  /// Checks that every row this band reads or writes lies inside fields of `len` values.
  fn validate(&self, stencil: &Stencil, fields: &SharedFields, source: Option<&[f64]>) -> Result<(), KernelError> {
    let stride = stencil.stride();
    let rows_in_field = fields.len / stride;
    let argument = |what, actual: String| KernelError::Argument { what, expected: "inside the field", actual };
    if !fields.len.is_multiple_of(stride) || rows_in_field < 3 {
      return Err(argument("field length", format!("{} values for rows of {stride}", fields.len)));
    }
    if self.start >= self.end || self.end + 2 > rows_in_field || self.parties < 1 {
      return Err(argument("band", format!("rows {}..{} of {}", self.start, self.end, rows_in_field - 2)));
    }
    for job in self.ghost_rows {
      let owned = job.from > self.start && job.from <= self.end;
      if !owned || job.target >= rows_in_field || job.target == job.from || !job.offset.is_finite() {
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

/// Temporal blocking: `k` steps per pass (1 = plain steps), and where the band meets other bands.
#[derive(Clone, Copy, Debug)]
pub struct Blocking {
  pub k: usize,
  pub near: Neighbours,
}

/// Checks that blocking fits: bands of at least 2k rows on both sides of each shared boundary.
fn validate_blocking(band: &Band, blocking: &Blocking, rows_in_field: usize) -> Result<(), KernelError> {
  let k = blocking.k;
  let small = |rows: usize| rows < 2 * k;
  let bad_above =
    blocking.near.above_end.is_some_and(|e| e <= band.end || e + 2 > rows_in_field || small(e - band.end));
  if k == 0 || (k > 1 && (small(band.end - band.start) || bad_above)) {
    return Err(KernelError::Argument {
      what: "blocking",
      expected: "k >= 1, and bands of at least 2k rows",
      actual: format!("k {k}, band {}..{}, {:?}", band.start, band.end, blocking.near),
    });
  }
  Ok(())
}

/// Everything one thread's run needs besides how far it goes.
pub struct Run<'a> {
  pub fields: &'a SharedFields,
  pub source: Option<&'a [f64]>,
  pub control: &'a Control<'a>,
  pub band: &'a Band<'a>,
  pub stencil: &'a Stencil,
  pub blocking: Blocking,
}

/// Runs up to `steps` steps starting from buffer `parity`. Stops early, at the same step as every
/// peer, when the barrier publishes a stop (stop request or a non-finite value somewhere).
///
/// # Safety
/// `fields.buffers` must point to two distinct live allocations of `fields.len` f64 each, shared
/// only with peers that run this same function on disjoint bands with the same `parties` and
/// control block, and that stay alive for the whole call.
///
/// # Errors
/// A [`KernelError`] if the band, stencil or source do not fit the fields.
pub unsafe fn run_band(run: &Run, steps: usize, parity: usize) -> Result<Outcome, KernelError> {
  let Run { fields, source, control, band, stencil, blocking } = *run;
  stencil.validate()?;
  band.validate(stencil, fields, source)?;
  validate_blocking(band, &blocking, fields.len / stencil.stride())?;
  if blocking.k > 1 {
    // SAFETY: validated above; the caller's contract covers the rest.
    return unsafe { run_blocks(run, steps, parity) };
  }
  let mut parity = parity & 1;
  for done in 0..steps {
    // SAFETY: validated above; the caller's contract covers the rest.
    let finite = unsafe { step_own_rows(run, parity)? };
    if !finite {
      control.flag_non_finite();
    }
    parity = 1 - parity;
    match control.wait(band.parties) {
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

/// One step of the band's own rows from buffer `parity`, plus its ghost rows; returns whether all
/// values are finite. On an abort request it skips the rest: the barrier then drops the step, and
/// buffer `parity`, which nobody writes during a step, still holds the last complete state.
unsafe fn step_own_rows(run: &Run, parity: usize) -> Result<bool, KernelError> {
  let Run { fields, source, control, band, stencil, .. } = *run;
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
    finite &= step_band(halo, out, f, rows, stencil)?;
    first = last;
  }
  for job in band.ghost_rows {
    // SAFETY: `from` is one of this thread's own rows, just written; `target` is a ghost row that
    // only this thread writes and nobody reads before the barrier. They are distinct rows
    // (validated), so the shared and the mutable slice do not overlap.
    let (from, target) = unsafe {
      (
        slice::from_raw_parts(dst.add(job.from * stride), stride),
        slice::from_raw_parts_mut(dst.add(job.target * stride), stride),
      )
    };
    fill_ghost_row(target, from, job.offset);
  }
  Ok(finite)
}

/// The run as temporal blocks of `blocking.k` steps (a shorter last block). An abort in the first
/// phase of a block leaves the buffers at mixed time levels: the outcome says the field is lost.
unsafe fn run_blocks(run: &Run, steps: usize, parity: usize) -> Result<Outcome, KernelError> {
  let mut done = 0;
  while done < steps {
    let k = run.blocking.k.min(steps - done);
    // SAFETY: every thread of the run takes the same k at the same point (same steps and blocking).
    let release = unsafe { run_block(run, k, (parity + done) % 2)? };
    match release {
      Release::Go => done += k,
      Release::Stop => return Ok(Outcome { steps: done + k, abandoned: false, lost: false }),
      Release::Abort => return Ok(Outcome { steps: done, abandoned: false, lost: true }),
      Release::Abandoned => return Ok(Outcome { steps: done, abandoned: true, lost: true }),
    }
  }
  Ok(Outcome { steps, abandoned: false, lost: false })
}
