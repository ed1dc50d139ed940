//! The barrier on real threads: a wait whose peer never arrives must return once another thread
//! marks the barrier abandoned (as the TypeScript exit hook does when a worker is gone), and so must
//! a whole native run, in plain steps and in temporal blocks.

use std::sync::atomic::{AtomicI32, Ordering::SeqCst};
use std::sync::mpsc;
use std::time::Duration;

use calor::boundary::GhostRule;
use calor::grid::{Band, SharedFields};
use calor::schedule::{run_band, Neighbours, Outcome, Run, Schedule};
use calor::stencil::Stencil;
use calor::sync::{Control, Release, ABANDONED, PARTIES, SLOTS};

/// Far longer than the 50 ms before the abandon and the 1 ms wait slices; only a hang reaches it.
const JOIN_TIMEOUT: Duration = Duration::from_secs(20);

fn control_block(parties: i32) -> Vec<AtomicI32> {
  let slots: Vec<AtomicI32> = (0..SLOTS).map(|_| AtomicI32::new(0)).collect();
  slots[PARTIES].store(parties, SeqCst);
  slots
}

/// Runs `wait` on a thread that is one of two parties (the other never comes), abandons the barrier
/// from another thread after 50 ms, and returns what the waiter got, or None if it did not return.
fn abandoned_after_50_ms<T: Send + 'static>(wait: impl FnOnce(&[AtomicI32]) -> T + Send + 'static) -> Option<T> {
  let slots: &'static [AtomicI32] = Box::leak(control_block(2).into_boxed_slice());
  let (done, result) = mpsc::channel();
  std::thread::spawn(move || {
    let _ = done.send(wait(slots));
  });
  std::thread::spawn(move || {
    std::thread::sleep(Duration::from_millis(50));
    slots[ABANDONED].store(1, SeqCst);
  });
  result.recv_timeout(JOIN_TIMEOUT).ok()
}

#[test]
fn a_wait_without_its_peer_returns_once_abandoned() {
  let release = abandoned_after_50_ms(|slots| Control::new(slots).unwrap().wait(2));
  assert_eq!(release, Some(Release::Abandoned));
}

const NX: usize = 16;
const NY: usize = 12;

/// A whole run of one band of two, the other band never running: the first barrier never releases.
fn lonely_run(k: usize) -> Option<Outcome> {
  abandoned_after_50_ms(move |slots| {
    let len = (NX + 2) * (NY + 2);
    let (mut a, mut b) = (vec![1.0; len], vec![1.0; len]);
    let fields = SharedFields { buffers: [a.as_mut_ptr(), b.as_mut_ptr()], len };
    let stencil = Stencil {
      nx: NX,
      first: 1,
      last: NX - 2,
      rx: 0.1,
      ry: 0.1,
      dt: 0.0,
      left: GhostRule::None,
      right: GhostRule::None,
      plane: None,
    };
    let band = Band { start: 0, end: NY / 2, parties: 2, ghost_rows: &[], flush_subnormals: false };
    let near = Neighbours { below: false, above_end: Some(NY) };
    let control = Control::new(slots).unwrap();
    let run = Run {
      fields: &fields,
      source: None,
      faces: None,
      weights: None,
      timed: None,
      control: &control,
      band: &band,
      stencil: &stencil,
      schedule: Schedule::blocked(k, 1, near),
    };
    // SAFETY: both buffers outlive the call; this is the only thread touching them.
    unsafe { run_band(&run, 1_000_000, 0) }.unwrap()
  })
}

#[test]
fn a_plain_run_without_its_peer_returns_once_abandoned() {
  let outcome = lonely_run(1).expect("the run returned");
  assert_eq!(outcome, Outcome { steps: 0, abandoned: true, lost: false });
}

#[test]
fn a_blocked_run_without_its_peer_returns_once_abandoned() {
  let outcome = lonely_run(3).expect("the run returned");
  assert_eq!(outcome, Outcome { steps: 0, abandoned: true, lost: true });
}
