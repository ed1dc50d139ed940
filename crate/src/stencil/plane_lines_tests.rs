//! Tests of the 3D line solves: one Douglas–Gunn step of the Dirichlet sine mode multiplies it by the
//! scheme's exact amplification factor, and `validate` refuses what would not fit.

use super::*;
use crate::stencil::lines::LineEnd;

const FIXED: LineEnd = LineEnd { fixed: true, term: 0.0 };

/// The factored system of `m` unknowns from node 1 between two fixed nodes (−h, 1 + 2h, −h).
fn dirichlet_axis(m: usize, h: f64) -> LineAxis {
  let (mut inv, mut upper) = (vec![0.0; m], vec![0.0; m]);
  let lower: Vec<f64> = (0..m).map(|k| if k == 0 { 0.0 } else { -h }).collect();
  for k in 0..m {
    let pivot = if k == 0 { 1.0 + 2.0 * h } else { 1.0 + 2.0 * h - lower[k] * upper[k - 1] };
    inv[k] = 1.0 / pivot;
    upper[k] = if k == m - 1 { 0.0 } else { -h * inv[k] };
  }
  LineAxis { first: 1, count: m, half: h, lower, inv, upper, low: FIXED, high: FIXED, cyclic: None }
}

/// A Dirichlet box of n × n × n nodes on the unit cube, with h = α·dt/(2·spacing²) on every axis.
fn dirichlet_box(n: usize, h: f64) -> PlaneLines {
  let axis = || dirichlet_axis(n - 2, h);
  let none = GhostRule::None;
  PlaneLines {
    nx: n,
    ny: n,
    nz: n,
    dt: 0.0,
    variable: false,
    x: axis(),
    y: axis(),
    z: axis(),
    left: none,
    right: none,
    bottom: none,
    top: none,
    back: none,
    front: none,
  }
}

#[test]
fn one_step_of_the_sine_mode_is_the_exact_factor() {
  let (n, h) = (9, 0.7);
  let l = dirichlet_box(n, h);
  let (stride, plane) = (l.stride(), l.plane());
  let spacing = 1.0 / (n - 1) as f64;
  let s = |i: usize| (std::f64::consts::PI * i as f64 * spacing).sin();
  let mut src = vec![0.0; l.len()];
  for k in 0..n {
    for j in 0..n {
      for i in 0..n {
        src[(k + 1) * plane + (j + 1) * stride + i + 1] = s(i) * s(j) * s(k);
      }
    }
  }
  let mut dst = src.clone();
  let mut scratch = vec![0.0; plane];
  // SAFETY: both buffers hold `l.len()` values and only this thread uses them.
  let (a, b) = unsafe { (Cells::new(src.as_mut_ptr(), l.len()), Cells::new(dst.as_mut_ptr(), l.len())) };
  for k in 1..n - 1 {
    let base = (k + 1) * plane;
    plane_ghost_rows(&l, a, base);
    for j in 1..n - 1 {
      solve_x_row(&l, a, b, None, 0.0, base + (j + 1) * stride);
    }
    solve_plane_y(&l, a, b, base, &mut scratch);
  }
  assert!(solve_rows_z(&l, a, b, (1, n - 1), &mut scratch));
  rows_halo(&l, b, (1, n - 1));
  // Each axis's eigenvalue of −δ² for the mode, times h: a = 4h·sin²(π·spacing/2).
  let a1 = 4.0 * h * (std::f64::consts::PI * spacing / 2.0).sin().powi(2);
  let g = 1.0 - 2.0 * 3.0 * a1 / (1.0 + a1).powi(3);
  let worst = (0..l.len()).map(|c| (dst[c] - g * src[c]).abs()).fold(0.0, f64::max);
  assert!(worst < 1e-13, "worst {worst}, g {g}");
}

#[test]
fn validate_refuses_a_flat_grid_and_axes_that_do_not_fit() {
  let good = dirichlet_box(5, 0.5);
  assert!(good.validate().is_ok());
  let flat = PlaneLines { nz: 1, ..good.clone() };
  assert!(flat.validate().is_err(), "nz = 1");
  let long = PlaneLines { z: dirichlet_axis(4, 0.5), ..good.clone() };
  assert!(long.validate().is_err(), "4 unknowns from node 1 between fixed nodes on 5 nodes");
  let nan = PlaneLines { dt: f64::NAN, ..good.clone() };
  assert!(nan.validate().is_err(), "a non-finite dt");
  let rule = PlaneLines { front: GhostRule::Mirror { a: 1.0, b: 0.0, c: f64::INFINITY }, ..good };
  assert!(rule.validate().is_err(), "a non-finite ghost rule");
}
