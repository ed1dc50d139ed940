//! The native many-step loop on a 3D grid, on real threads: bands of planes, plain and temporally
//! blocked (a wavefront over planes), must give the same bits as one thread's plain steps.

use std::sync::atomic::AtomicI32;

use calor::boundary::{fill_ghost_row, fill_ghost_row_with, GhostRow, GhostRule};
use calor::grid::{Band, SharedFields};
use calor::schedule::{run_band, Neighbours, Run, Schedule};
use calor::stencil::{step_band, Faces, Plane, Stencil};
use calor::sync::{Control, PARTIES, SLOTS};

const NX: usize = 9;
const NY: usize = 7;
const NZ: usize = 26;
const PLANE: usize = (NX + 2) * (NY + 2);

/// Neumann left (flux), Dirichlet right, periodic y within each plane; across z a Neumann back and a
/// mirror that weighs the boundary plane at the front (a Robin side), as ghost planes.
fn stencil() -> Stencil {
  let plane = Plane { ny: NY, first_row: 0, last_row: NY - 1, rz: 0.11, bottom: GhostRule::Wrap, top: GhostRule::Wrap };
  Stencil {
    nx: NX,
    first: 0,
    last: NX - 2,
    rx: 0.1,
    ry: 0.09,
    dt: 0.01,
    left: GhostRule::Mirror { a: 1.0, b: 0.0, c: -0.05 },
    right: GhostRule::None,
    plane: Some(plane),
  }
}

fn ghost_planes() -> Vec<GhostRow> {
  vec![
    GhostRow { target: 0, inside: 2, boundary: 1, rule: GhostRule::Mirror { a: 1.0, b: 0.0, c: 0.03 } },
    GhostRow { target: NZ + 1, inside: NZ - 1, boundary: NZ, rule: GhostRule::Mirror { a: 0.9, b: 0.1, c: -0.02 } },
  ]
}

/// Refreshes one ghost plane of a whole field, as one thread owning every plane does it.
fn fill(field: &mut [f64], job: &GhostRow, faces: Option<&Faces>) {
  let unit = |r: usize| field[r * PLANE..(r + 1) * PLANE].to_vec();
  let (inside, boundary) = (unit(job.inside), unit(job.boundary));
  let target = &mut field[job.target * PLANE..(job.target + 1) * PLANE];
  match faces {
    Some(faces) => fill_ghost_row_with(target, &inside, &boundary, job.rule, faces.cells(job.target, PLANE)),
    None => fill_ghost_row(target, &inside, &boundary, job.rule),
  }
}

/// A variable diffusivity's five arrays (east, north, ghost b, ghost c, up), made up but positive.
fn faces() -> Vec<f64> {
  let len = PLANE * (NZ + 2);
  (0..5 * len)
    .map(|k| match k / len {
      2 => -((k % 5) as f64) * 0.01,
      3 => ((k % 7) as f64 - 3.0) * 0.01,
      _ => 0.5 + ((k * 31) % 97) as f64 / 97.0,
    })
    .collect()
}

fn initial() -> Vec<f64> {
  let mut field: Vec<f64> = (0..PLANE * (NZ + 2)).map(|k| ((k * 7919) % 1000) as f64 / 1000.0).collect();
  // In-plane halos and ghost planes consistent with the nodes, as the solver prepares them.
  let copy = field.clone();
  let still = Stencil { rx: 0.0, ry: 0.0, plane: stencil().plane.map(|p| Plane { rz: 0.0, ..p }), ..stencil() };
  step_band(&copy, &mut field[PLANE..(NZ + 1) * PLANE], None, None, NZ, &still).unwrap();
  for job in ghost_planes() {
    fill(&mut field, &job, None);
  }
  field
}

fn reference(steps: usize, source: Option<&[f64]>, faces: Option<&[f64]>) -> Vec<f64> {
  let mut a = initial();
  let mut b = a.clone();
  let faces = faces.map(|f| Faces::split(f, a.len()).unwrap());
  for _ in 0..steps {
    let f = source.map(|s| &s[PLANE..(NZ + 1) * PLANE]);
    step_band(&a, &mut b[PLANE..(NZ + 1) * PLANE], f, faces.as_ref(), NZ, &stencil()).unwrap();
    for job in ghost_planes() {
      fill(&mut b, &job, faces.as_ref());
    }
    std::mem::swap(&mut a, &mut b);
  }
  a
}

struct Shared(SharedFields);
// SAFETY: the test threads follow the solver's protocol: disjoint bands, one barrier per phase.
unsafe impl Sync for Shared {}

fn parallel(
  threads: usize,
  (k, tile): (usize, usize),
  steps: usize,
  source: Option<&[f64]>,
  faces: Option<&[f64]>,
) -> Vec<f64> {
  let (mut a, mut b) = (initial(), initial());
  let fields = Shared(SharedFields { buffers: [a.as_mut_ptr(), b.as_mut_ptr()], len: a.len() });
  let slots: Vec<AtomicI32> = (0..SLOTS).map(|_| AtomicI32::new(0)).collect();
  slots[PARTIES].store(i32::try_from(threads).unwrap(), std::sync::atomic::Ordering::SeqCst);
  let bounds: Vec<usize> = (0..=threads).map(|p| p * NZ / threads).collect();
  let jobs = ghost_planes();
  std::thread::scope(|scope| {
    for p in 0..threads {
      let (fields, slots, bounds, jobs) = (&fields, &slots, &bounds, &jobs);
      scope.spawn(move || {
        let (start, end) = (bounds[p], bounds[p + 1]);
        let owns = |r: usize| r > start && r <= end;
        let own: Vec<GhostRow> = jobs.iter().copied().filter(|j| owns(j.inside) && owns(j.boundary)).collect();
        let parties = i32::try_from(threads).unwrap();
        let band = Band { start, end, parties, ghost_rows: &own, flush_subnormals: false };
        let near = Neighbours { below: p > 0, above_end: (p + 1 < threads).then(|| bounds[p + 2]) };
        let control = Control::new(slots).unwrap();
        let run = Run {
          fields: &fields.0,
          source,
          faces: faces.and_then(|f| Faces::split(f, fields.0.len)),
          weights: None,
          timed: None,
          control: &control,
          band: &band,
          stencil: &stencil(),
          schedule: Schedule::blocked(k, tile, near),
        };
        // SAFETY: both buffers outlive the scope; bands are disjoint; all threads share one control block.
        let outcome = unsafe { run_band(&run, steps, 0) }.unwrap();
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

/// Test that every split of the planes and every blocking depth, with and without a source and a
/// variable diffusivity's faces, gives the bits of one thread's plain steps.
#[test]
fn bands_of_planes_and_wavefronts_match_plain_steps_bit_for_bit() {
  let source: Vec<f64> = (0..PLANE * (NZ + 2)).map(|k| ((k * 13) % 17) as f64 / 17.0).collect();
  let faces = faces();
  let cases = [(None, None), (Some(source.as_slice()), None), (Some(source.as_slice()), Some(faces.as_slice()))];
  for (source, faces) in cases {
    for steps in [1, 7, 16] {
      let expected = reference(steps, source, faces);
      assert!(expected != initial(), "the field changes");
      for threads in [1, 2, 3] {
        for (k, tile) in [(1, 1), (2, 1), (3, 1), (3, 2), (4, 1), (4, 40)] {
          let got = parallel(threads, (k, tile), steps, source, faces);
          let same = got.iter().zip(&expected).all(|(x, y)| x.to_bits() == y.to_bits());
          let what = format!("source {}, faces {}", source.is_some(), faces.is_some());
          assert!(same, "{threads} threads, k = {k}, tile {tile}, {steps} steps, {what}: differ");
        }
      }
    }
  }
}

/// Test that faces of the wrong shape for the grid are refused before anything is touched: a 3D
/// stencil needs the up faces, a 2D one must not get them.
#[test]
fn faces_must_match_the_dimension() {
  let len = PLANE * (NZ + 2);
  let four = vec![1.0; 4 * len];
  let src = initial();
  let mut out = vec![0.0; PLANE];
  let faces = Faces::split(&four, len).unwrap().range(0..3 * PLANE);
  let error = step_band(&src[..3 * PLANE], &mut out, None, Some(&faces), 1, &stencil()).unwrap_err();
  assert_eq!(error.to_string(), format!("faces has length 0, expected {}", 3 * PLANE));
}

/// Test that one 7-point step of a plane is the formula, evaluated in the documented order.
#[test]
fn one_plane_step_is_the_seven_point_formula() {
  let src = initial();
  let mut out = vec![0.0; PLANE];
  let s = stencil();
  step_band(&src[..3 * PLANE], &mut out, None, None, 1, &s).unwrap();
  let (row, c) = (NX + 2, PLANE + 3 * (NX + 2) + 4);
  let u = src[c];
  let want = u
    + s.rx * (src[c - 1] - 2.0 * u + src[c + 1])
    + s.ry * (src[c - row] - 2.0 * u + src[c + row])
    + 0.11 * (src[c - PLANE] - 2.0 * u + src[c + PLANE]);
  assert_eq!(out[3 * row + 4].to_bits(), want.to_bits());
  // The periodic y ghost rows copy the opposite node rows, the left ghost column mirrors.
  assert_eq!(out[4].to_bits(), out[NY * row + 4].to_bits());
  assert_eq!(out[(NY + 1) * row + 4].to_bits(), out[row + 4].to_bits());
  assert_eq!(out[2 * row].to_bits(), (out[2 * row + 2] - 0.05).to_bits());
}
