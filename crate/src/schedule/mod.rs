//! A worker's many-step loop, run natively: step its band, refresh the ghost rows it owns, meet its
//! peers at the barrier, swap buffers; return to JS only when the run is over or stopped.
//!
//! A [`Schedule`] says how the steps are grouped between barriers: `plain` is one barrier per step,
//! `blocked` two barriers per temporal block of k steps. This module checks a run and dispatches.
//!
//! The two fields are shared by all workers and addressed through raw pointers. Each phase forms
//! slices only over memory that no other thread writes during that phase:
//! - in a step from buffer `p` to buffer `1 − p`, nobody writes buffer `p` (every thread writes only
//!   into `1 − p`), so shared slices of it are sound;
//! - a thread writes only its own rows of `1 − p` and the ghost rows it is assigned, which no other
//!   thread reads or writes before the barrier that ends the step.

pub mod adi;
mod blocked;
pub mod dg;
mod plain;

use crate::boundary::timed::{Level, TimedLayout};
use crate::boundary::{CellCoefficients, GhostRow};
use crate::error::KernelError;
use crate::grid::{Band, SharedFields};
use crate::stencil::{Faces, Stencil};
use crate::sync::Control;

/// Where this thread's band meets other bands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Neighbours {
  /// Another band ends just below `start`.
  pub below: bool,
  /// Another band starts at `end`, and it ends at this row (exclusive).
  pub above_end: Option<usize>,
}

/// How steps are grouped between barriers: `k` steps per pass over memory (1 = plain steps, one
/// barrier each; k > 1 = temporal blocks, two barriers each), the rows (planes) a block's wavefront
/// advances per level at each front (`tile`, 1 or more; the order of the updates only, never their
/// bits), and where the band meets other bands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
  pub k: usize,
  pub tile: usize,
  pub near: Neighbours,
}

impl Schedule {
  /// Plain steps, one barrier per step.
  #[must_use]
  pub fn plain(near: Neighbours) -> Self {
    Self { k: 1, tile: 1, near }
  }

  /// Temporal blocks of `k` steps whose wavefront advances `tile` units per level at each front.
  #[must_use]
  pub fn blocked(k: usize, tile: usize, near: Neighbours) -> Self {
    Self { k, tile, near }
  }

  /// Checks that the schedule fits: k ≥ 1, tile ≥ 1, and for k > 1 bands of at least 2k rows on both
  /// sides of each shared boundary.
  ///
  /// # Errors
  /// [`KernelError::Argument`] naming k, the band and its neighbours.
  pub fn validate(&self, band: &Band, rows_in_field: usize) -> Result<(), KernelError> {
    let k = self.k;
    let small = |rows: usize| rows < 2 * k;
    let bad_above = self.near.above_end.is_some_and(|e| e <= band.end || e + 2 > rows_in_field || small(e - band.end));
    if k == 0 || self.tile == 0 || (k > 1 && (small(band.end - band.start) || bad_above)) {
      return Err(KernelError::Argument {
        what: "blocking",
        expected: "k >= 1, tile >= 1, and bands of at least 2k rows",
        actual: format!("k {k}, tile {}, band {}..{}, {:?}", self.tile, band.start, band.end, self.near),
      });
    }
    Ok(())
  }
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

/// Everything one thread's run needs besides how far it goes.
pub struct Run<'a> {
  pub fields: &'a SharedFields,
  pub source: Option<&'a [f64]>,
  /// A variable diffusivity's faces over the whole padded field (each array `fields.len` long).
  pub faces: Option<Faces<'a>>,
  /// A source that varies in time: step s of the run weighs the source by `weights[s]` (dt·g(t_s))
  /// in place of the stencil's dt. At least as many values as steps.
  pub weights: Option<&'a [f64]>,
  /// Side data of t: each step's slot of the ring (see boundary/timed.rs).
  pub timed: Option<Timed<'a>>,
  pub control: &'a Control<'a>,
  pub band: &'a Band<'a>,
  pub stencil: &'a Stencil,
  pub schedule: Schedule,
}

/// The ring of side data of t: its layout, `len` values at `ring` and the slot of the run's first step.
/// The main thread writes a slot only while no run that reads it is in flight (lib/api/timed.ts fills
/// slots ahead, never those of the steps it has handed to the workers).
#[derive(Clone, Copy)]
pub struct Timed<'a> {
  pub layout: &'a TimedLayout,
  pub ring: *const f64,
  pub len: usize,
  pub slot0: usize,
}

impl<'a> Timed<'a> {
  /// The slot of step `s` of the run.
  ///
  /// # Safety
  /// `ring` must be `len` live values (as [`Run::validate`] checks against the layout) that nobody
  /// writes during the run.
  unsafe fn level(&self, s: usize) -> Level<'a> {
    let slot = (self.slot0 + s) % self.layout.slots;
    let n = self.layout.slot_len;
    // SAFETY: slot < slots and slots·slot_len = len (validated); nobody writes it now (contract).
    Level::new(self.layout, unsafe { std::slice::from_raw_parts(self.ring.add(slot * n), n) })
  }
}

/// The cells a ghost row job takes: the ring's for a side of t, else a variable diffusivity's.
fn job_cells<'a>(
  level: Option<&Level<'a>>,
  faces: Option<&Faces<'a>>,
  job: &GhostRow,
  stride: usize,
) -> Option<CellCoefficients<'a>> {
  level.and_then(|l| l.job_cells(job.target)).or_else(|| faces.map(|f| f.cells(job.target, stride)))
}

/// Writes the Dirichlet units (rows or planes of a side of t, which no band updates) that padded unit `u`
/// of `buffer` is just inside of, from `level`.
///
/// # Safety
/// The buffer must be one of the run's fields (validated against the layout), and the caller must be the
/// thread whose band holds unit `u`, which has just brought it to the level: a Dirichlet unit is read only
/// by the unit inside it, at the next level, so nobody else touches it now.
unsafe fn write_boundary_units(fields: &SharedFields, buffer: usize, stride: usize, level: &Level, u: usize) {
  for (target, face) in level.boundary_units(u).into_iter().flatten() {
    // SAFETY: `target` is a unit of the field (the layout was validated against its length); by the
    // caller's contract only this thread touches it now.
    let unit = unsafe { std::slice::from_raw_parts_mut(fields.buffers[buffer].add(target * stride), stride) };
    level.write_boundary_unit(unit, face);
  }
}

/// The padded rows within a unit whose ghost columns the kernel fills (a plane's evolving rows; 2D: the row).
fn unit_rows(stencil: &Stencil) -> std::ops::RangeInclusive<usize> {
  stencil.plane.map_or(0..=0, |p| p.first_row + 1..=p.last_row + 1)
}

impl Run<'_> {
  /// The stencil of step `s` of the run: the source weighed by `weights[s]` when there are weights.
  fn stencil_of(&self, s: usize) -> Stencil {
    match self.weights {
      Some(w) => Stencil { dt: w[s], ..*self.stencil },
      None => *self.stencil,
    }
  }

  /// Checks everything the loops rely on, before any memory is touched.
  fn validate(&self) -> Result<(), KernelError> {
    self.stencil.validate()?;
    let stride = self.stencil.stride();
    self.band.validate(stride, self.fields, self.source)?;
    self.schedule.validate(self.band, self.fields.len / stride)?;
    if let Some(faces) = self.faces {
      faces.check(self.fields.len, self.stencil.plane.is_some())?;
    }
    if let Some(t) = self.timed {
      t.layout.validate(self.stencil.nx, self.stencil.plane.map(|p| p.ny), self.fields.len, t.len)?;
      if t.slot0 >= t.layout.slots {
        let actual = format!("slot {} of {}", t.slot0, t.layout.slots);
        return Err(KernelError::Argument { what: "timed slot", expected: "a slot of the ring", actual });
      }
    }
    let control = self.control.parties();
    if control != self.band.parties {
      return Err(KernelError::Parties { band: self.band.parties, control });
    }
    Ok(())
  }
}

/// Runs up to `steps` steps starting from buffer `parity`. Stops early, at the same step as every
/// peer, when the barrier publishes a stop (stop request or a non-finite value somewhere), and
/// promptly once the barrier is abandoned.
///
/// # Safety
/// `fields.buffers` must point to two distinct live allocations of `fields.len` f64 each, shared
/// only with peers that run this same function on disjoint bands with the same `parties`, schedule
/// and control block, and that stay alive for the whole call.
///
/// # Errors
/// A [`KernelError`] if the band, stencil, schedule, source or control block do not fit.
pub unsafe fn run_band(run: &Run, steps: usize, parity: usize) -> Result<Outcome, KernelError> {
  run.validate()?;
  if let Some(w) = run.weights {
    if w.len() < steps || !w[..steps].iter().all(|x| x.is_finite()) {
      let actual = format!("{} values for {steps} steps", w.len());
      return Err(KernelError::Argument { what: "weights", expected: "a finite weight per step", actual });
    }
  }
  if run.schedule.k > 1 {
    // SAFETY: validated above; the caller's contract covers the rest.
    Ok(unsafe { blocked::run(run, steps, parity & 1) })
  } else {
    // SAFETY: validated above; the caller's contract covers the rest.
    unsafe { plain::run(run, steps, parity & 1) }
  }
}
