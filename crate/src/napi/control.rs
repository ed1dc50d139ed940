//! The control block's slot layout, exported so that the TypeScript side checks its own copy.

use napi_derive::napi;

use crate::sync;

/// The slot layout of the control block (an Int32Array over a SharedArrayBuffer) and the values of
/// its stop words. Slot indices: `generation` … `parties`; `slots` is the block's length; `go`,
/// `stopAfterStep` and `abortNow` are the values of the stop request and stop decision slots.
#[napi(object)]
pub struct NapiControlLayout {
  /// Bumped by the thread that releases the barrier; waiters sleep on it.
  pub generation: u32,
  /// Threads arrived in the current generation.
  pub arrived: u32,
  /// Set by the main thread: `stopAfterStep` or `abortNow`.
  pub stop_request: u32,
  /// Published by the releasing thread: `go`, `stopAfterStep` or `abortNow`.
  pub stop_decision: u32,
  /// Set to 1 when the barrier is abandoned: nobody will arrive again.
  pub abandoned: u32,
  /// Set by a worker whose band became non-finite in this step.
  pub non_finite: u32,
  /// Threads asleep on the generation word.
  pub sleepers: u32,
  /// Workers in the run, written by the gang when it creates the block.
  pub parties: u32,
  /// Slots in the control block.
  pub slots: u32,
  /// Stop word value: go on.
  pub go: i32,
  /// Stop word value: stop after the step in progress.
  pub stop_after_step: i32,
  /// Stop word value: abort now, dropping the step in progress.
  pub abort_now: i32,
}

/// The one definition of the control block's layout; the TypeScript barrier compares its own with it.
#[napi]
#[must_use]
pub fn control_layout() -> NapiControlLayout {
  let slot = |k: usize| k as u32;
  NapiControlLayout {
    generation: slot(sync::GENERATION),
    arrived: slot(sync::ARRIVED),
    stop_request: slot(sync::STOP_REQUEST),
    stop_decision: slot(sync::STOP_DECISION),
    abandoned: slot(sync::ABANDONED),
    non_finite: slot(sync::NON_FINITE),
    sleepers: slot(sync::SLEEPERS),
    parties: slot(sync::PARTIES),
    slots: slot(sync::SLOTS),
    go: sync::GO,
    stop_after_step: sync::STOP_AFTER_STEP,
    abort_now: sync::ABORT_NOW,
  }
}
