//! The native many-step loop on real threads: every band split, blocking depth and boundary mix
//! must give the same bits as single-threaded plain steps, also when an abort ends the run.

use std::sync::atomic::AtomicI32;

use calor::boundary::timed::{TimedLayout, TimedSide, BOTTOM, LEFT, RIGHT};
use calor::boundary::{fill_ghost_row, GhostRow, GhostRule};
use calor::error::KernelError;
use calor::grid::{Band, SharedFields};
use calor::schedule::{run_band, Neighbours, Run, Schedule, Timed};
use calor::stencil::{step_band, Faces, Stencil};
use calor::sync::{Control, PARTIES, SLOTS};

const NX: usize = 29;
const NY: usize = 40;
const STRIDE: usize = NX + 2;

/// Neumann left (flux), Dirichlet right, Neumann bottom and a mirror that weighs the boundary node
/// on top (the shape of a Robin side): every ghost kind that blocking allows.
fn stencil() -> Stencil {
  Stencil {
    nx: NX,
    first: 0,
    last: NX - 2,
    rx: 0.2,
    ry: 0.15,
    dt: 0.01,
    left: GhostRule::Mirror { a: 1.0, b: 0.0, c: -0.05 },
    right: GhostRule::None,
    plane: None,
  }
}

fn ghost_rows() -> Vec<GhostRow> {
  vec![
    GhostRow { target: 0, inside: 2, boundary: 1, rule: GhostRule::Mirror { a: 1.0, b: 0.0, c: 0.03 } },
    GhostRow { target: NY + 1, inside: NY - 1, boundary: NY, rule: GhostRule::Mirror { a: 0.9, b: 0.1, c: -0.02 } },
  ]
}

/// Refreshes one ghost row of a whole field, as one thread owning every row does it.
fn fill(field: &mut [f64], job: &GhostRow) {
  let row = |r: usize| field[r * STRIDE..(r + 1) * STRIDE].to_vec();
  let (inside, boundary) = (row(job.inside), row(job.boundary));
  fill_ghost_row(&mut field[job.target * STRIDE..(job.target + 1) * STRIDE], &inside, &boundary, job.rule);
}

/// A control block made for `parties` workers, as the TypeScript gang creates it.
fn control_block(parties: usize) -> Vec<AtomicI32> {
  let slots: Vec<AtomicI32> = (0..SLOTS).map(|_| AtomicI32::new(0)).collect();
  slots[PARTIES].store(i32::try_from(parties).unwrap(), std::sync::atomic::Ordering::SeqCst);
  slots
}

fn initial() -> Vec<f64> {
  let mut field = vec![0.0; STRIDE * (NY + 2)];
  for (k, v) in field.iter_mut().enumerate() {
    *v = ((k * 7919) % 1000) as f64 / 1000.0;
  }
  // Ghosts consistent with the nodes, as the solver prepares them.
  let copy = field.clone();
  step_band(&copy, &mut field[STRIDE..(NY + 1) * STRIDE], None, None, NY, &Stencil { rx: 0.0, ry: 0.0, ..stencil() })
    .unwrap();
  for job in ghost_rows() {
    fill(&mut field, &job);
  }
  field
}

/// The oracle: plain steps over the whole field on one thread.
fn reference(steps: usize) -> Vec<f64> {
  let mut a = initial();
  let mut b = a.clone();
  for _ in 0..steps {
    step_band(&a, &mut b[STRIDE..(NY + 1) * STRIDE], None, None, NY, &stencil()).unwrap();
    for job in ghost_rows() {
      fill(&mut b, &job);
    }
    std::mem::swap(&mut a, &mut b);
  }
  a
}

/// The ghost rows whose source rows all lie in node rows [start, end): the band's own.
fn owned(jobs: &[GhostRow], start: usize, end: usize) -> Vec<GhostRow> {
  let owns = |r: usize| r > start && r <= end;
  jobs.iter().copied().filter(|j| owns(j.inside) && owns(j.boundary)).collect()
}

/// A run of `band` with no source, faces, weights or side data of t.
fn bare<'a>(
  fields: &'a SharedFields,
  control: &'a Control<'a>,
  band: &'a Band<'a>,
  stencil: &'a Stencil,
  schedule: Schedule,
) -> Run<'a> {
  Run { fields, source: None, faces: None, weights: None, timed: None, control, band, stencil, schedule }
}

struct Shared(SharedFields);
// SAFETY: the test threads follow the solver's protocol: disjoint bands, one barrier per phase.
unsafe impl Sync for Shared {}

/// What a run may add to the plain stencil: a source, a variable diffusivity's faces, per-step weights.
#[derive(Clone, Copy, Default)]
struct Extras<'a> {
  source: Option<&'a [f64]>,
  faces: Option<&'a [f64]>,
  weights: Option<&'a [f64]>,
  /// Side data of t: the ring's layout and the ring (step s reads slot s mod slots).
  timed: Option<(&'a TimedLayout, &'a [f64])>,
}

/// Blocking depths k with the wavefront tiles they run with: row by row (1), a few rows per level,
/// and tiles taller than any band (level by level).
const DEPTHS: [(usize, usize); 8] = [(1, 1), (2, 1), (2, 3), (3, 1), (3, 2), (6, 1), (6, 4), (6, 64)];

fn parallel(threads: usize, (k, tile): (usize, usize), steps: usize) -> Vec<f64> {
  parallel_with(threads, (k, tile), steps, Extras::default())
}

fn parallel_with(threads: usize, (k, tile): (usize, usize), steps: usize, extras: Extras) -> Vec<f64> {
  let (mut a, mut b) = (initial(), initial());
  let fields = Shared(SharedFields { buffers: [a.as_mut_ptr(), b.as_mut_ptr()], len: a.len() });
  let slots = control_block(threads);
  let bounds: Vec<usize> = (0..=threads).map(|p| p * NY / threads).collect();
  let jobs = ghost_rows();
  std::thread::scope(|scope| {
    for p in 0..threads {
      let (fields, slots, bounds, jobs) = (&fields, &slots, &bounds, &jobs);
      scope.spawn(move || {
        let (start, end) = (bounds[p], bounds[p + 1]);
        let own = owned(jobs, start, end);
        let band =
          Band { start, end, parties: i32::try_from(threads).unwrap(), ghost_rows: &own, flush_subnormals: false };
        let near = Neighbours { below: p > 0, above_end: (p + 1 < threads).then(|| bounds[p + 2]) };
        let control = Control::new(slots).unwrap();
        // SAFETY: both buffers outlive the scope; bands are disjoint; all threads share one control block.
        let outcome = unsafe {
          run_band(
            &Run {
              fields: &fields.0,
              source: extras.source,
              faces: extras.faces.and_then(|f| Faces::split(f, fields.0.len)),
              weights: extras.weights,
              timed: extras.timed.map(|(layout, ring)| Timed {
                layout,
                ring: ring.as_ptr(),
                len: ring.len(),
                slot0: 0,
              }),
              control: &control,
              band: &band,
              stencil: &stencil(),
              schedule: Schedule::blocked(k, tile, near),
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
      for (k, tile) in DEPTHS {
        let got = parallel(threads, (k, tile), steps);
        let same = got.iter().zip(&expected).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "{threads} threads, k = {k}, tile {tile}, {steps} steps differ from plain steps");
      }
    }
  }
}

/// Test that the conservative kernel (faces with per-cell ghost coefficients), a source and per-step
/// source weights give the same bits on every split and blocking depth as one thread's plain steps.
#[test]
fn faces_and_weights_match_plain_steps_bit_for_bit() {
  let len = STRIDE * (NY + 2);
  let faces: Vec<f64> = (0..4 * len)
    .map(|k| match k / len {
      0 | 1 => 0.5 + ((k * 31) % 97) as f64 / 97.0,
      2 => -((k % 5) as f64) * 0.01,
      _ => ((k % 7) as f64 - 3.0) * 0.01,
    })
    .collect();
  let source: Vec<f64> = (0..len).map(|k| ((k * 13) % 17) as f64 / 17.0).collect();
  let weights: Vec<f64> = (0..16).map(|s| 0.01 * (1.0 + f64::from(s).sin())).collect();
  let extras = Extras { source: Some(&source), faces: Some(&faces), weights: Some(&weights), timed: None };
  for steps in [7, 16] {
    let expected = parallel_with(1, (1, 1), steps, extras);
    assert!(expected != parallel_with(1, (1, 1), steps, Extras { weights: None, ..extras }), "the weights count");
    for threads in [2, 3] {
      for (k, tile) in DEPTHS {
        let got = parallel_with(threads, (k, tile), steps, extras);
        let same = got.iter().zip(&expected).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "{threads} threads, k = {k}, tile {tile}, {steps} steps differ from plain steps");
      }
    }
  }
}

/// Test that side data of t read from the ring (the left mirror's and the bottom mirror's cells, the
/// right Dirichlet column's values, a new slot every step, wrapping round a ring shorter than the run)
/// give the same bits on every split and blocking depth as one thread's plain steps, and that they count.
#[test]
fn side_data_of_t_from_the_ring_match_plain_steps_bit_for_bit() {
  let (x, y) = (NY + 2, STRIDE);
  let mut sides = [None; 6];
  sides[LEFT] = Some(TimedSide::Mirror { offset: 0, a: 1.0, reads: false });
  sides[RIGHT] = Some(TimedSide::Dirichlet { offset: 2 * x });
  sides[BOTTOM] = Some(TimedSide::Mirror { offset: 3 * x, a: 0.8, reads: true });
  let slots = 5;
  let layout = TimedLayout { sides, slot_len: 3 * x + 2 * y, slots, nx: NX, ny: NY, nz: 0 };
  let ring: Vec<f64> = (0..slots * layout.slot_len).map(|k| ((k * 37) % 101) as f64 / 101.0 - 0.5).collect();
  let extras = Extras { timed: Some((&layout, &ring)), ..Extras::default() };
  for steps in [7, 16] {
    let expected = parallel_with(1, (1, 1), steps, extras);
    assert!(expected != parallel_with(1, (1, 1), steps, Extras::default()), "the ring counts");
    for threads in [1, 2, 3] {
      for (k, tile) in DEPTHS {
        let got = parallel_with(threads, (k, tile), steps, extras);
        let same = got.iter().zip(&expected).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "{threads} threads, k = {k}, tile {tile}, {steps} steps differ from plain steps");
      }
    }
  }
}

#[test]
fn blocking_deeper_than_the_bands_allow_is_refused() {
  let (mut a, mut b) = (initial(), initial());
  let fields = SharedFields { buffers: [a.as_mut_ptr(), b.as_mut_ptr()], len: a.len() };
  let slots = control_block(1);
  let control = Control::new(&slots).unwrap();
  let band = Band { start: 0, end: 10, parties: 1, ghost_rows: &[], flush_subnormals: false };
  let alone = Neighbours { below: false, above_end: None };
  for (schedule, what) in
    [(Schedule::blocked(6, 1, alone), "6-step blocks"), (Schedule::blocked(2, 0, alone), "tile 0")]
  {
    // SAFETY: one thread, both buffers live; the call must refuse before touching memory.
    let result = unsafe { run_band(&bare(&fields, &control, &band, &stencil(), schedule), 3, 0) };
    assert!(result.is_err(), "a 10-row band cannot take {what}");
  }
  let out_of_field = Band { start: 0, end: NY + 1, parties: 1, ghost_rows: &[], flush_subnormals: false };
  let plain = Schedule::plain(Neighbours { below: false, above_end: None });
  // SAFETY: as above.
  let result = unsafe { run_band(&bare(&fields, &control, &out_of_field, &stencil(), plain), 3, 0) };
  assert!(result.is_err(), "a band past the last row is refused");
}

/// Test that a control block made for another number of parties is refused before any step: its
/// barrier would never release (too many parties) or release too early (too few).
#[test]
fn a_control_block_for_other_parties_is_refused() {
  let (mut a, mut b) = (initial(), initial());
  let before = a.clone();
  let fields = SharedFields { buffers: [a.as_mut_ptr(), b.as_mut_ptr()], len: a.len() };
  let band = Band { start: 0, end: NY, parties: 1, ghost_rows: &[], flush_subnormals: false };
  for made_for in [0, 2, 3] {
    let slots = control_block(made_for);
    let control = Control::new(&slots).unwrap();
    let schedule = Schedule::plain(Neighbours { below: false, above_end: None });
    let stencil = stencil();
    let run = bare(&fields, &control, &band, &stencil, schedule);
    // SAFETY: one thread, both buffers live; the call must refuse before touching memory.
    let result = unsafe { run_band(&run, 3, 0) };
    let control = i32::try_from(made_for).unwrap();
    assert_eq!(result, Err(KernelError::Parties { band: 1, control }));
    let message = result.unwrap_err().to_string();
    assert!(message.contains(&made_for.to_string()) && message.contains('1'), "{message}");
  }
  assert!(a.iter().zip(&before).all(|(x, y)| x.to_bits() == y.to_bits()), "nothing was written");
}

/// Test that an abort requested inside a temporal block ends the run after that block, never in it:
/// the outcome counts the whole block and the field holds exactly that many plain steps.
#[test]
fn an_abort_inside_a_block_finishes_the_block() {
  let (mut a, mut b) = (initial(), initial());
  let fields = SharedFields { buffers: [a.as_mut_ptr(), b.as_mut_ptr()], len: a.len() };
  let slots = control_block(1);
  slots[calor::sync::STOP_REQUEST].store(calor::sync::ABORT_NOW, std::sync::atomic::Ordering::SeqCst);
  let control = Control::new(&slots).unwrap();
  let jobs = ghost_rows();
  let band = Band { start: 0, end: NY, parties: 1, ghost_rows: &jobs, flush_subnormals: false };
  let schedule = Schedule::blocked(5, 3, Neighbours { below: false, above_end: None });
  let stencil = stencil();
  let run = bare(&fields, &control, &band, &stencil, schedule);
  // SAFETY: one thread, both buffers live for the call.
  let outcome = unsafe { run_band(&run, 1000, 0) }.unwrap();
  assert_eq!(outcome, calor::schedule::Outcome { steps: 5, abandoned: false, lost: false });
  let got = if outcome.steps % 2 == 0 { &a } else { &b };
  let expected = reference(5);
  assert!(got.iter().zip(&expected).all(|(x, y)| x.to_bits() == y.to_bits()), "the field is 5 whole steps");
}
