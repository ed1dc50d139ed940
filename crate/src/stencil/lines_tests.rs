//! Tests of the line solves: each sweep solves its tridiagonal system (checked against the system's
//! rows, with the ghost cells the solve leaves behind), and `validate` refuses what would not fit.

use super::*;

/// Thomas factors of a system (as lib/steppers/adi.ts computes them).
fn factor(lower: &[f64], diag: &[f64], up: &[f64]) -> (Vec<f64>, Vec<f64>) {
  let (mut inv, mut upper) = (vec![0.0; diag.len()], vec![0.0; diag.len()]);
  for k in 0..diag.len() {
    let pivot = if k == 0 { diag[0] } else { diag[k] - lower[k] * upper[k - 1] };
    inv[k] = 1.0 / pivot;
    upper[k] = up[k] * inv[k];
  }
  (inv, upper)
}

const NONE: LineEnd = LineEnd { fixed: false, term: 0.0 };

/// An axis of `m` unknowns from `first` with interior coupling h and the given end rows.
fn axis(first: usize, m: usize, h: f64, ends: [(LineEnd, f64, f64); 2]) -> LineAxis {
  let [(low, low_off, low_diag), (high, high_off, high_diag)] = ends;
  let lower: Vec<f64> = (0..m)
    .map(|k| {
      if k == 0 {
        0.0
      } else if k == m - 1 {
        high_off
      } else {
        -h
      }
    })
    .collect();
  let up: Vec<f64> = (0..m)
    .map(|k| {
      if k == m - 1 {
        0.0
      } else if k == 0 {
        low_off
      } else {
        -h
      }
    })
    .collect();
  let mut diag = vec![1.0 + 2.0 * h; m];
  diag[0] = low_diag;
  diag[m - 1] = high_diag;
  let (inv, upper) = factor(&lower, &diag, &up);
  LineAxis { first, count: m, half: h, lower, inv, upper, low, high, cyclic: None }
}

fn lines(nx: usize, x: LineAxis, left: GhostRule, right: GhostRule) -> Lines {
  let y = LineAxis {
    first: 1,
    count: 1,
    half: 0.0,
    lower: vec![0.0],
    inv: vec![1.0],
    upper: vec![0.0],
    low: NONE,
    high: NONE,
    cyclic: None,
  };
  Lines { nx, ny: 3, half_dt: 0.0, variable: false, x, y, left, right, bottom: GhostRule::None, top: GhostRule::None }
}

/// The row of src (three padded rows, all equal to `values`) and the solved dst row.
fn solve(lines: &Lines, values: &[f64]) -> Vec<f64> {
  let stride = lines.stride();
  let mut row = vec![0.0; stride];
  row[1..=lines.nx].copy_from_slice(values);
  let src: Vec<f64> = row.iter().chain(&row).chain(&row).copied().collect();
  let mut dst = row.clone();
  solve_row(lines, &src, &mut dst, None);
  dst
}

/// Test that a row with two fixed ends satisfies −h·u[k−1] + (1 + 2h)·u[k] − h·u[k+1] = d[k], the fixed
/// nodes entering as known neighbours and left unchanged.
#[test]
fn solve_row_solves_the_system_between_fixed_nodes() {
  let h = 3.7;
  let fixed = LineEnd { fixed: true, term: 0.0 };
  let a = axis(1, 5, h, [(fixed, -h, 1.0 + 2.0 * h), (fixed, -h, 1.0 + 2.0 * h)]);
  let lines = lines(7, a, GhostRule::None, GhostRule::None);
  let d = [2.0, 0.5, -1.0, 0.25, 3.0, 1.5, -4.0];
  let u = solve(&lines, &d);
  assert_eq!((u[1], u[7]), (2.0, -4.0), "the fixed nodes are not written");
  for k in 2..=6 {
    let row = -h * u[k - 1] + (1.0 + 2.0 * h) * u[k] - h * u[k + 1];
    assert!((row - d[k - 1]).abs() < 1e-12, "row {k}: {row} vs {}", d[k - 1]);
  }
}

/// Test that a mirror end with a boundary term (a Robin rule, b ≠ 0) folds into the matrix exactly as
/// the ghost rule says: the ghost the solve leaves satisfies the end row u0 − h·(g − 2u0 + u1) = d0.
#[test]
fn solve_row_folds_a_robin_ghost_into_the_end_row() {
  let (h, ra, rb, rc) = (0.8, 1.0, -0.35, 0.2);
  let robin = GhostRule::Mirror { a: ra, b: rb, c: rc };
  let low = (LineEnd { fixed: false, term: h * rc }, -h - h * ra, 1.0 + 2.0 * h - h * rb);
  let high = (LineEnd { fixed: true, term: 0.0 }, -h, 1.0 + 2.0 * h);
  let lines = lines(6, axis(0, 5, h, [low, high]), robin, GhostRule::None);
  let d = [1.0, -2.0, 0.5, 4.0, 0.0, 1.0];
  let u = solve(&lines, &d);
  assert_eq!(u[0].to_bits(), (ra * u[2] + rb * u[1] + rc).to_bits(), "the ghost column follows the rule");
  for k in 1..=5 {
    let row = -h * u[k - 1] + (1.0 + 2.0 * h) * u[k] - h * u[k + 1];
    assert!((row - d[k - 1]).abs() < 1e-12, "row {k}: {row} vs {}", d[k - 1]);
  }
}

/// Test that the cyclic correction solves the periodic system, node n − 1 coupled to node 0.
#[test]
fn solve_row_solves_a_cyclic_system() {
  let (n, h) = (6, 2.5);
  let centre = 1.0 + 2.0 * h;
  let gamma = -centre;
  let lower: Vec<f64> = (0..n).map(|k| if k == 0 { 0.0 } else { -h }).collect();
  let up: Vec<f64> = (0..n).map(|k| if k == n - 1 { 0.0 } else { -h }).collect();
  let mut diag = vec![centre; n];
  diag[0] = centre - gamma;
  diag[n - 1] = centre - h * h / gamma;
  let (inv, upper) = factor(&lower, &diag, &up);
  let mut z = vec![0.0; n];
  (z[0], z[n - 1]) = (gamma, -h);
  for k in 0..n {
    z[k] = if k == 0 { z[0] * inv[0] } else { (z[k] - lower[k] * z[k - 1]) * inv[k] };
  }
  for k in (0..n - 1).rev() {
    z[k] -= upper[k] * z[k + 1];
  }
  let q = -h / gamma;
  let scale = 1.0 / (1.0 + z[0] + q * z[n - 1]);
  let x = LineAxis {
    first: 0,
    count: n,
    half: h,
    lower,
    inv,
    upper,
    low: NONE,
    high: NONE,
    cyclic: Some(Cyclic { z, q, scale }),
  };
  let lines = lines(n, x, GhostRule::Wrap, GhostRule::Wrap);
  lines.validate().expect("a valid cyclic axis");
  let d = [1.0, 0.0, -2.0, 3.0, 0.5, -1.0];
  let u = solve(&lines, &d);
  for k in 1..=n {
    let row = -h * u[k - 1] + centre * u[k] - h * u[k + 1];
    assert!((row - d[k - 1]).abs() < 1e-12, "row {k}: {row} vs {}", d[k - 1]);
  }
}

/// Test that the column sweeps give the row sweep's bits for the same system (a one-column block).
#[test]
fn column_sweeps_match_the_row_sweep() {
  let h = 1.3;
  let fixed = LineEnd { fixed: true, term: 0.0 };
  let a = axis(1, 4, h, [(fixed, -h, 1.0 + 2.0 * h), (fixed, -h, 1.0 + 2.0 * h)]);
  let row_lines = lines(6, a.clone(), GhostRule::None, GhostRule::None);
  let d = [1.0, 2.0, -1.0, 0.5, 3.0, -2.0];
  let by_row = solve(&row_lines, &d);
  let x = LineAxis {
    first: 0,
    count: 1,
    half: 0.0,
    lower: vec![0.0],
    inv: vec![1.0],
    upper: vec![0.0],
    low: NONE,
    high: NONE,
    cyclic: None,
  };
  let columns = Lines {
    nx: 1,
    ny: 6,
    half_dt: 0.0,
    variable: false,
    x,
    y: a,
    left: GhostRule::None,
    right: GhostRule::None,
    bottom: GhostRule::None,
    top: GhostRule::None,
  };
  let mut out: Vec<f64> = [0.0].iter().chain(&d).chain(&[0.0]).copied().collect();
  for k in 0..4 {
    let mid = [0.0, d[k + 1], 0.0];
    let rows = SegmentRows { weight: columns.half_dt, mid: &mid, f: None, below: &[out[k + 1]], above: &[out[k + 3]] };
    let mut cur = [0.0];
    forward_segment(&columns, k, 0, &rows, &mut cur);
    out[k + 2] = cur[0];
  }
  for k in (0..3).rev() {
    let next = [out[k + 3]];
    let mut cur = [out[k + 2]];
    back_segment(columns.y.upper[k], &mut cur, &next);
    out[k + 2] = cur[0];
  }
  assert_eq!(&out[1..7], &by_row[1..7]);
}

/// Test that `validate` refuses shapes and coefficients the sweeps could not use, naming them.
#[test]
fn validate_refuses_what_does_not_fit() {
  let fixed = LineEnd { fixed: true, term: 0.0 };
  let good = lines(7, axis(1, 5, 1.0, [(fixed, -1.0, 3.0), (fixed, -1.0, 3.0)]), GhostRule::None, GhostRule::None);
  good.validate().expect("a valid system");
  let mut short = good.clone();
  short.x.inv.pop();
  let mut past = good.clone();
  past.x.count = 6;
  let mut edge = good.clone();
  edge.x.first = 0;
  let mut nan = good.clone();
  nan.x.lower[2] = f64::NAN;
  let mut rule = good.clone();
  rule.left = GhostRule::Mirror { a: 1.0, b: f64::INFINITY, c: 0.0 };
  for (bad, says) in [
    (short, "inv has length 4, expected 5"),
    (past, "x must be unknowns inside the axis"),
    (edge, "x must be unknowns inside the axis"),
    (nan, "x must be finite coefficients"),
    (rule, "left must be a ghost rule with finite a, b and c"),
  ] {
    let error = bad.validate().expect_err(says).to_string();
    assert!(error.starts_with(says), "{error}");
  }
}
