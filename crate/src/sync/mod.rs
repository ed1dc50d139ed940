//! The step barrier on the shared control block: the same protocol as the TypeScript barrier, so
//! the main thread can request a stop or abandon the barrier with JS Atomics. The slot layout is
//! defined here once and exported to TypeScript (`controlLayout()`), which checks its own copy.
//!
//! A JS `Atomics.notify` does not wake a native futex waiter, so native waits are bounded (1 ms)
//! and re-check the generation and the abandoned slot: a stop or abandon from the main thread (or
//! from an exit hook when a peer is gone) is seen within that time, in every native loop.

mod futex;

use std::sync::atomic::{AtomicI32, Ordering::SeqCst};
use std::time::Duration;

/// Bumped by the thread that releases the barrier; waiters sleep on it.
pub const GENERATION: usize = 0;
/// Threads arrived in the current generation.
pub const ARRIVED: usize = 1;
/// Set by the main thread: [`STOP_AFTER_STEP`], or [`ABORT_NOW`] (the step in progress is dropped;
/// workers skip the rest of it and meet at the barrier).
pub const STOP_REQUEST: usize = 2;
/// Published by the releasing thread: [`GO`] on, [`STOP_AFTER_STEP`], or [`ABORT_NOW`] (this step
/// was aborted).
pub const STOP_DECISION: usize = 3;
/// Set when a worker has failed: nobody will arrive again.
pub const ABANDONED: usize = 4;
/// Raised by a worker whose band became non-finite in this round (a step, or a temporal block); makes
/// the releaser stop everyone. Its value is 1 + the steps of the round after the earliest step that
/// went non-finite (1: the round's last step), the largest raised: the main thread can name that step.
pub const NON_FINITE: usize = 5;
/// Threads asleep on the generation word; the releaser makes the wake system call only if any.
pub const SLEEPERS: usize = 6;
/// Workers in the run, written by the TypeScript gang when it creates the control block; a native
/// run refuses a block made for another number of parties (its barrier would never release).
pub const PARTIES: usize = 7;
/// Slots in the control block.
pub const SLOTS: usize = 8;

/// Stop request and decision values.
pub const GO: i32 = 0;
pub const STOP_AFTER_STEP: i32 = 1;
pub const ABORT_NOW: i32 = 2;

/// Polls before sleeping (tens of microseconds): a step of a small grid is shorter than a futex
/// round trip, and the peers usually arrive within a few microseconds of each other.
const SPIN_ROUNDS: u32 = 4096;
const WAIT_SLICE: Duration = Duration::from_millis(1);

/// What the barrier tells the threads leaving it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Release {
  /// Go on to the next step.
  Go,
  /// Stop: the step just finished is complete everywhere.
  Stop,
  /// Aborted: the step just attempted is incomplete; the other buffer holds the last complete state.
  Abort,
  /// A peer failed; nothing about the fields can be assumed.
  Abandoned,
}

/// The control block's slots, borrowed as atomics.
pub struct Control<'a> {
  slots: &'a [AtomicI32],
}

impl<'a> Control<'a> {
  /// Wraps the control block; `None` if it has fewer than `SLOTS` slots.
  #[must_use]
  pub fn new(slots: &'a [AtomicI32]) -> Option<Self> {
    (slots.len() >= SLOTS).then_some(Self { slots })
  }

  fn slot(&self, k: usize) -> &AtomicI32 {
    &self.slots[k]
  }

  /// The parties the control block was made for.
  #[must_use]
  pub fn parties(&self) -> i32 {
    self.slot(PARTIES).load(SeqCst)
  }

  /// True once the barrier is abandoned: nobody will arrive again.
  #[must_use]
  pub fn abandoned(&self) -> bool {
    self.slot(ABANDONED).load(SeqCst) != 0
  }

  /// True once the main thread has asked for an abort, or the barrier is abandoned: skip the rest of
  /// the step, then go to the barrier (which returns at once if abandoned).
  #[must_use]
  pub fn aborting(&self) -> bool {
    self.slot(STOP_REQUEST).load(SeqCst) == ABORT_NOW || self.abandoned()
  }

  /// Records that this thread's band went non-finite in the current round, first at the step that
  /// `later` steps of the round follow (0: its last step).
  pub fn flag_non_finite(&self, later: usize) {
    let value = i32::try_from(later).map_or(i32::MAX, |l| l.saturating_add(1));
    self.slot(NON_FINITE).fetch_max(value, SeqCst);
  }

  /// Waits until `parties` threads have arrived. All orderings are SeqCst, matching JS Atomics.
  #[must_use]
  pub fn wait(&self, parties: i32) -> Release {
    // Read the generation before arriving: once arrived, the releaser may bump it at any moment.
    let generation = self.slot(GENERATION).load(SeqCst);
    if self.slot(ARRIVED).fetch_add(1, SeqCst) == parties - 1 {
      // Last to arrive: reset the count before releasing (an early thread of the next step counts
      // from zero), then publish one stop decision that every thread will read after the release.
      self.slot(ARRIVED).store(0, SeqCst);
      // Any thread that skipped work saw the abort request before it arrived, so this read sees it too.
      let request = self.slot(STOP_REQUEST).load(SeqCst);
      let decision = match (request, self.slot(NON_FINITE).load(SeqCst)) {
        (ABORT_NOW, _) => ABORT_NOW,
        (request, 0) => request,
        _ => STOP_AFTER_STEP,
      };
      self.slot(STOP_DECISION).store(decision, SeqCst);
      self.slot(GENERATION).fetch_add(1, SeqCst);
      // A sleeper registers before it sleeps, and its futex wait fails at once if the generation has
      // already moved; so reading SLEEPERS after the bump cannot miss a thread about to sleep.
      if self.slot(SLEEPERS).load(SeqCst) > 0 {
        futex::wake_all(self.slot(GENERATION));
      }
    } else {
      self.sleep_while(generation);
    }
    if self.abandoned() {
      return Release::Abandoned;
    }
    match self.slot(STOP_DECISION).load(SeqCst) {
      GO => Release::Go,
      ABORT_NOW => Release::Abort,
      _ => Release::Stop,
    }
  }

  fn sleep_while(&self, generation: i32) {
    let word = self.slot(GENERATION);
    for round in 0..SPIN_ROUNDS {
      if word.load(SeqCst) != generation || self.abandoned() {
        return;
      }
      // With more threads than cores, the peer we wait for may need this core: offer it now and then.
      if round % 64 == 63 {
        std::thread::yield_now();
      } else {
        std::hint::spin_loop();
      }
    }
    self.slot(SLEEPERS).fetch_add(1, SeqCst);
    while word.load(SeqCst) == generation && !self.abandoned() {
      futex::wait(word, generation, WAIT_SLICE);
    }
    self.slot(SLEEPERS).fetch_sub(1, SeqCst);
  }
}
