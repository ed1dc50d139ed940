//! The step barrier on the shared control block: the same protocol and slot layout as
//! lib/barrier.ts, so the main thread can request a stop or abandon the barrier with JS Atomics.
//!
//! A JS `Atomics.notify` does not wake a native futex waiter, so native waits are bounded (1 ms)
//! and re-check the generation: a stop or abandon from the main thread is seen within that time.

use std::sync::atomic::{AtomicI32, Ordering::SeqCst};
use std::time::Duration;

/// Bumped by the thread that releases the barrier; waiters sleep on it.
pub const GENERATION: usize = 0;
/// Threads arrived in the current generation.
pub const ARRIVED: usize = 1;
/// Set by the main thread: 1 = stop after the step in progress, 2 = abort now (the step in progress
/// is dropped; workers skip the rest of it and meet at the barrier).
pub const STOP_REQUEST: usize = 2;
/// Published by the releasing thread: 0 go on, 1 stop after this step, 2 this step was aborted.
pub const STOP_DECISION: usize = 3;
/// Set when a worker has failed: nobody will arrive again.
pub const ABANDONED: usize = 4;
/// Set by a worker whose band became non-finite in this step; makes the releaser stop everyone.
pub const NON_FINITE: usize = 5;
/// Threads asleep on the generation word; the releaser makes the wake system call only if any.
pub const SLEEPERS: usize = 6;
/// Slots in the control block.
pub const SLOTS: usize = 8;

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

  /// True once the main thread has asked for an abort: skip the rest of the step, then meet at the barrier.
  #[must_use]
  pub fn aborting(&self) -> bool {
    self.slot(STOP_REQUEST).load(SeqCst) == 2
  }

  /// Records that this thread's band holds a non-finite value after the current step.
  pub fn flag_non_finite(&self) {
    self.slot(NON_FINITE).store(1, SeqCst);
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
      let decision = if request == 2 { 2 } else { request | self.slot(NON_FINITE).load(SeqCst) };
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
    if self.slot(ABANDONED).load(SeqCst) == 1 {
      return Release::Abandoned;
    }
    match self.slot(STOP_DECISION).load(SeqCst) {
      0 => Release::Go,
      2 => Release::Abort,
      _ => Release::Stop,
    }
  }

  fn sleep_while(&self, generation: i32) {
    let word = self.slot(GENERATION);
    for round in 0..SPIN_ROUNDS {
      if word.load(SeqCst) != generation {
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
    while word.load(SeqCst) == generation && self.slot(ABANDONED).load(SeqCst) == 0 {
      futex::wait(word, generation, WAIT_SLICE);
    }
    self.slot(SLEEPERS).fetch_sub(1, SeqCst);
  }
}

#[cfg(target_os = "linux")]
mod futex {
  use std::sync::atomic::AtomicI32;
  use std::time::Duration;

  /// Sleeps while `word` holds `expected`, for at most `timeout` (spurious wake-ups are fine).
  pub fn wait(word: &AtomicI32, expected: i32, timeout: Duration) {
    let ts = libc::timespec { tv_sec: 0, tv_nsec: i64::from(timeout.subsec_nanos()) };
    // SAFETY: `word` is a live, aligned 32-bit atomic for the whole call; FUTEX_WAIT only reads it
    // and compares it with `expected` atomically; `ts` outlives the call. The threads are all in
    // this process, so the private futex flag is correct.
    unsafe {
      libc::syscall(
        libc::SYS_futex,
        word.as_ptr(),
        libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
        expected,
        &raw const ts,
      );
    }
  }

  /// Wakes every thread sleeping on `word`.
  pub fn wake_all(word: &AtomicI32) {
    // SAFETY: `word` is a live, aligned 32-bit atomic; FUTEX_WAKE does not access its value.
    unsafe {
      libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, i32::MAX);
    }
  }
}

#[cfg(not(target_os = "linux"))]
mod futex {
  use std::sync::atomic::AtomicI32;
  use std::time::Duration;

  /// Without a futex, back off with short sleeps.
  pub fn wait(_word: &AtomicI32, _expected: i32, _timeout: Duration) {
    std::thread::sleep(Duration::from_micros(50));
  }

  pub fn wake_all(_word: &AtomicI32) {}
}
