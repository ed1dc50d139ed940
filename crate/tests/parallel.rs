//! The native many-step loop on real threads: every band split, blocking depth and boundary mix
//! must give the same bits as single-threaded plain steps.

use std::sync::atomic::AtomicI32;

use calor::band::{run_band, Band, Blocking, GhostRowJob, Run, SharedFields};
use calor::blocked::Neighbours;
use calor::boundary::{fill_ghost_row, Ghost};
use calor::kernel::{step_band, Stencil};
use calor::sync::{Control, SLOTS};

const NX: usize = 29;
const NY: usize = 40;
const STRIDE: usize = NX + 2;

/// Neumann left (flux), Dirichlet right, Neumann bottom and top: every ghost kind that blocking allows.
fn stencil() -> Stencil {
  Stencil {
    nx: NX,
    first: 0,
    last: NX - 2,
    rx: 0.2,
    ry: 0.15,
    dt: 0.01,
    left: Ghost::Mirror { offset: 0.05 },
    right: Ghost::Unused,
  }
}

fn ghost_rows() -> Vec<GhostRowJob> {
  vec![GhostRowJob { target: 0, from: 2, offset: -0.03 }, GhostRowJob { target: NY + 1, from: NY - 1, offset: 0.02 }]
}

fn initial() -> Vec<f64> {
  let mut field = vec![0.0; STRIDE * (NY + 2)];
  for (k, v) in field.iter_mut().enumerate() {
    *v = ((k * 7919) % 1000) as f64 / 1000.0;
  }
  // Ghosts consistent with the nodes, as the solver prepares them.
  let copy = field.clone();
  step_band(&copy, &mut field[STRIDE..(NY + 1) * STRIDE], None, NY, &Stencil { rx: 0.0, ry: 0.0, ..stencil() })
    .unwrap();
  for job in ghost_rows() {
    let from = field[job.from * STRIDE..(job.from + 1) * STRIDE].to_vec();
    fill_ghost_row(&mut field[job.target * STRIDE..(job.target + 1) * STRIDE], &from, job.offset);
  }
  field
}

/// The oracle: plain steps over the whole field on one thread.
fn reference(steps: usize) -> Vec<f64> {
  let mut a = initial();
  let mut b = a.clone();
  for _ in 0..steps {
    step_band(&a, &mut b[STRIDE..(NY + 1) * STRIDE], None, NY, &stencil()).unwrap();
    for job in ghost_rows() {
      let from = b[job.from * STRIDE..(job.from + 1) * STRIDE].to_vec();
      fill_ghost_row(&mut b[job.target * STRIDE..(job.target + 1) * STRIDE], &from, job.offset);
    }
    std::mem::swap(&mut a, &mut b);
  }
  a
}

struct Shared(SharedFields);
// SAFETY: the test threads follow the solver's protocol: disjoint bands, one barrier per phase.
unsafe impl Sync for Shared {}

fn parallel(threads: usize, k: usize, steps: usize) -> Vec<f64> {
  let (mut a, mut b) = (initial(), initial());
  let fields = Shared(SharedFields { buffers: [a.as_mut_ptr(), b.as_mut_ptr()], len: a.len() });
  let slots: Vec<AtomicI32> = (0..SLOTS).map(|_| AtomicI32::new(0)).collect();
  let bounds: Vec<usize> = (0..=threads).map(|p| p * NY / threads).collect();
  let jobs = ghost_rows();
  std::thread::scope(|scope| {
    for p in 0..threads {
      let (fields, slots, bounds, jobs) = (&fields, &slots, &bounds, &jobs);
      scope.spawn(move || {
        let (start, end) = (bounds[p], bounds[p + 1]);
        let own: Vec<GhostRowJob> = jobs.iter().copied().filter(|j| j.from > start && j.from <= end).collect();
        let band = Band { start, end, parties: i32::try_from(threads).unwrap(), ghost_rows: &own };
        let near = Neighbours { below: p > 0, above_end: (p + 1 < threads).then(|| bounds[p + 2]) };
        let control = Control::new(slots).unwrap();
        // SAFETY: both buffers outlive the scope; bands are disjoint; all threads share one control block.
        let outcome = unsafe {
          run_band(
            &Run {
              fields: &fields.0,
              source: None,
              control: &control,
              band: &band,
              stencil: &stencil(),
              blocking: Blocking { k, near },
            },
            steps,
            0,
          )
        }
        .unwrap();
        assert_eq!(outcome.steps, steps, "thread {p} completed every step");
      });
    }
  });
  if steps.is_multiple_of(2) {
    a
  } else {
    b
  }
}

#[test]
fn every_split_and_blocking_depth_matches_plain_steps_bit_for_bit() {
  for steps in [1, 7, 16] {
    let expected = reference(steps);
    for threads in [1, 2, 3] {
      for k in [1, 2, 3, 6] {
        let got = parallel(threads, k, steps);
        let same = got.iter().zip(&expected).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "{threads} threads, k = {k}, {steps} steps differ from plain steps");
      }
    }
  }
}

#[test]
fn blocking_deeper_than_the_bands_allow_is_refused() {
  let (mut a, mut b) = (initial(), initial());
  let fields = SharedFields { buffers: [a.as_mut_ptr(), b.as_mut_ptr()], len: a.len() };
  let slots: Vec<AtomicI32> = (0..SLOTS).map(|_| AtomicI32::new(0)).collect();
  let control = Control::new(&slots).unwrap();
  let band = Band { start: 0, end: 10, parties: 1, ghost_rows: &[] };
  let blocking = Blocking { k: 6, near: Neighbours { below: false, above_end: None } };
  // SAFETY: one thread, both buffers live; the call must refuse before touching memory.
  let result = unsafe {
    run_band(
      &Run { fields: &fields, source: None, control: &control, band: &band, stencil: &stencil(), blocking },
      3,
      0,
    )
  };
  assert!(result.is_err(), "a 10-row band cannot take 6-step blocks");
  let out_of_field = Band { start: 0, end: NY + 1, parties: 1, ghost_rows: &[] };
  let plain = Blocking { k: 1, near: Neighbours { below: false, above_end: None } };
  // SAFETY: as above.
  let result = unsafe {
    run_band(
      &Run {
        fields: &fields,
        source: None,
        control: &control,
        band: &out_of_field,
        stencil: &stencil(),
        blocking: plain,
      },
      3,
      0,
    )
  };
  assert!(result.is_err(), "a band past the last row is refused");
}
