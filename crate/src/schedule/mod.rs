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
/// barrier each; k > 1 = temporal blocks, two barriers each), and where the band meets other bands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
  pub k: usize,
  pub near: Neighbours,
}

impl Schedule {
  /// Plain steps, one barrier per step.
  #[must_use]
  pub fn plain(near: Neighbours) -> Self {
    Self { k: 1, near }
  }

  /// Checks that the schedule fits: k ≥ 1, and for k > 1 bands of at least 2k rows on both sides of
  /// each shared boundary.
  ///
  /// # Errors
  /// [`KernelError::Argument`] naming k, the band and its neighbours.
  pub fn validate(&self, band: &Band, rows_in_field: usize) -> Result<(), KernelError> {
    let k = self.k;
    let small = |rows: usize| rows < 2 * k;
    let bad_above = self.near.above_end.is_some_and(|e| e <= band.end || e + 2 > rows_in_field || small(e - band.end));
    if k == 0 || (k > 1 && (small(band.end - band.start) || bad_above)) {
      return Err(KernelError::Argument {
        what: "blocking",
        expected: "k >= 1, and bands of at least 2k rows",
        actual: format!("k {k}, band {}..{}, {:?}", band.start, band.end, self.near),
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
  pub control: &'a Control<'a>,
  pub band: &'a Band<'a>,
  pub stencil: &'a Stencil,
  pub schedule: Schedule,
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
    unsafe { blocked::run(run, steps, parity & 1) }
  } else {
    // SAFETY: validated above; the caller's contract covers the rest.
    unsafe { plain::run(run, steps, parity & 1) }
  }
}
