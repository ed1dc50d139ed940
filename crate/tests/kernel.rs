//! Plain-Rust tests of the band kernel (`kernel.rs`) and the ghost cells (`boundary.rs`): exact
//! discrete answers, ghost fills, and every argument the kernel refuses.
#![expect(clippy::float_cmp, reason = "the kernels are exact: results are compared bit for bit")]

use std::f64::consts::PI;

use calor::boundary::{fill_ghost_columns, fill_ghost_row, GhostRule};
use calor::error::KernelError;
use calor::stencil::{step_band, Stencil};

/// A halo-padded field of nx × ny nodes: node (i, j) at (j + 1)·(nx + 2) + (i + 1).
#[derive(Clone)]
struct Padded {
  nx: usize,
  data: Vec<f64>,
}

impl Padded {
  fn from_fn(nx: usize, ny: usize, f: impl Fn(usize, usize) -> f64) -> Self {
    let mut data = vec![0.0; (nx + 2) * (ny + 2)];
    for j in 0..ny {
      for i in 0..nx {
        data[(j + 1) * (nx + 2) + i + 1] = f(i, j);
      }
    }
    Self { nx, data }
  }

  fn at(&self, i: usize, j: usize) -> f64 {
    self.data[(j + 1) * (self.nx + 2) + i + 1]
  }

  /// One step of the node rows first_row..=last_row, as a worker owning all of them does it.
  fn step(&self, stencil: &Stencil, rows: (usize, usize), source: Option<&Padded>) -> Padded {
    let stride = self.nx + 2;
    let (first, last) = rows;
    let band = last - first + 1;
    let mut next = self.clone();
    let src = &self.data[first * stride..(last + 3) * stride];
    let dst = &mut next.data[(first + 1) * stride..(last + 2) * stride];
    let f = source.map(|s| &s.data[(first + 1) * stride..(last + 2) * stride]);
    step_band(src, dst, f, None, band, stencil).expect("a valid step");
    next
  }
}

/// The Neumann rule of the solver: ghost = inside − offset, with offset = 2·h·q/α.
fn neumann(offset: f64) -> GhostRule {
  GhostRule::Mirror { a: 1.0, b: 0.0, c: -offset }
}

fn stencil(nx: usize, first: usize, last: usize, rx: f64, ry: f64, left: GhostRule, right: GhostRule) -> Stencil {
  Stencil { nx, first, last, rx, ry, dt: 0.0, left, right }
}

/// Test that the sine modes of the Dirichlet problem are eigenvectors of one band step, with the
/// exact discrete amplification factor, on a non-square grid with different spacings.
#[test]
fn dirichlet_sine_modes_decay_at_the_discrete_rate() {
  let (nx, ny, lx, ly, alpha) = (11, 8, 1.0, 0.7, 0.6);
  let (dx, dy) = (lx / (nx - 1) as f64, ly / (ny - 1) as f64);
  let dt = 0.8 / (2.0 * alpha * (1.0 / (dx * dx) + 1.0 / (dy * dy)));
  let (rx, ry) = (alpha * dt / (dx * dx), alpha * dt / (dy * dy));
  for (k, m, what) in [(1.0, 1.0, "lowest mode"), (2.0, 3.0, "mode (2, 3)"), (5.0, 1.0, "mode (5, 1)")] {
    let mode = |i: usize, j: usize| {
      let (x, y) = (i as f64 * dx, j as f64 * dy);
      let interior = i > 0 && j > 0 && i < nx - 1 && j < ny - 1;
      if interior {
        (k * PI * x / lx).sin() * (m * PI * y / ly).sin()
      } else {
        0.0
      }
    };
    let g =
      1.0 - 4.0 * rx * (k * PI * dx / (2.0 * lx)).sin().powi(2) - 4.0 * ry * (m * PI * dy / (2.0 * ly)).sin().powi(2);
    let s = stencil(nx, 1, nx - 2, rx, ry, GhostRule::None, GhostRule::None);
    let mut u = Padded::from_fn(nx, ny, mode);
    let steps = 40;
    for _ in 0..steps {
      u = u.step(&s, (1, ny - 2), None);
    }
    let scale = g.powi(steps);
    for j in 0..ny {
      for i in 0..nx {
        let expected = scale * mode(i, j);
        assert!(
          (u.at(i, j) - expected).abs() < 1e-12,
          "{what}: node ({i}, {j}) is {}, expected {expected}",
          u.at(i, j)
        );
      }
    }
  }
}

/// Test that a periodic axis (ghost columns wrapped by the kernel itself) carries a cosine mode at
/// its discrete rate, the y axis being Dirichlet.
#[test]
fn periodic_x_cosine_mode_decays_at_the_discrete_rate() {
  let (nx, ny, k, m) = (12, 7, 2.0, 1.0);
  let (rx, ry) = (0.2, 0.15);
  let mode = |i: usize, j: usize| {
    let y_part = if j == 0 || j == ny - 1 { 0.0 } else { (m * PI * j as f64 / (ny - 1) as f64).sin() };
    (2.0 * PI * k * i as f64 / nx as f64).cos() * y_part
  };
  let mut u = Padded::from_fn(nx, ny, mode);
  for j in 0..ny {
    let row = &mut u.data[(j + 1) * (nx + 2)..(j + 2) * (nx + 2)];
    fill_ghost_columns(row, nx, GhostRule::Wrap, GhostRule::Wrap);
  }
  let s = stencil(nx, 0, nx - 1, rx, ry, GhostRule::Wrap, GhostRule::Wrap);
  let steps = 30;
  for _ in 0..steps {
    u = u.step(&s, (1, ny - 2), None);
  }
  let g =
    1.0 - 4.0 * rx * (PI * k / nx as f64).sin().powi(2) - 4.0 * ry * (PI * m / (2.0 * (ny - 1) as f64)).sin().powi(2);
  for j in 0..ny {
    for i in 0..nx {
      let expected = g.powi(steps) * mode(i, j);
      assert!((u.at(i, j) - expected).abs() < 1e-12, "node ({i}, {j}): {} vs {expected}", u.at(i, j));
    }
  }
}

/// Test that with mirrored ghosts (Neumann) and no variation along y, the trapezoid sum of a row
/// changes by exactly −dt·(q_left + q_right) per step: the scheme's discrete energy balance.
#[test]
fn neumann_flux_changes_the_trapezoid_sum_exactly() {
  let (nx, alpha, dx, dt) = (9, 0.5, 0.125, 0.01);
  let (q_left, q_right) = (0.3, -0.7);
  let offset = |q: f64| 2.0 * dx * q / alpha;
  let (left, right) = (neumann(offset(q_left)), neumann(offset(q_right)));
  let s = stencil(nx, 0, nx - 1, alpha * dt / (dx * dx), 0.0, left, right);
  // Three identical rows: the centre one evolves, the others are its y halo.
  let mut u = Padded::from_fn(nx, 3, |i, _| (i as f64 * 0.7).sin());
  let trapezoid =
    |u: &Padded| (0..nx).map(|i| if i == 0 || i == nx - 1 { 0.5 } else { 1.0 } * u.at(i, 1)).sum::<f64>() * dx;
  for j in 0..3 {
    fill_ghost_columns(&mut u.data[(j + 1) * (nx + 2)..(j + 2) * (nx + 2)], nx, left, right);
  }
  let before = trapezoid(&u);
  let steps = 20;
  for _ in 0..steps {
    let mut next = u.step(&s, (1, 1), None);
    let centre = next.data[2 * (nx + 2)..3 * (nx + 2)].to_vec();
    next.data[(nx + 2)..2 * (nx + 2)].copy_from_slice(&centre);
    next.data[3 * (nx + 2)..4 * (nx + 2)].copy_from_slice(&centre);
    u = next;
  }
  let change = trapezoid(&u) - before;
  let expected = -(f64::from(steps)) * dt * (q_left + q_right);
  assert!((change - expected).abs() < 1e-13, "change {change}, expected {expected}");
}

/// Test that the source term adds exactly dt·f to a resting field, and only to evolving columns.
#[test]
fn source_adds_dt_times_f() {
  let (nx, ny) = (6, 4);
  let mut s = stencil(nx, 1, nx - 2, 0.2, 0.2, GhostRule::None, GhostRule::None);
  s.dt = 0.25;
  let u = Padded::from_fn(nx, ny, |_, _| 0.0);
  let f = Padded::from_fn(nx, ny, |i, j| (i + 10 * j) as f64);
  let next = u.step(&s, (1, ny - 2), Some(&f));
  for j in 0..ny {
    for i in 0..nx {
      let evolving = i >= 1 && i <= nx - 2 && j >= 1 && j <= ny - 2;
      let expected = if evolving { 0.25 * f.at(i, j) } else { 0.0 };
      assert_eq!(next.at(i, j).to_bits(), expected.to_bits(), "node ({i}, {j})");
    }
  }
}

#[test]
fn ghost_columns_follow_their_kind() {
  let nx = 4;
  // Padded row: ghost, nodes 1 2 3 4, ghost.
  let cases: [(GhostRule, GhostRule, [f64; 6], &str); 5] = [
    (GhostRule::None, GhostRule::None, [-1.0, 1.0, 2.0, 3.0, 4.0, -1.0], "unused ghosts are left alone"),
    (GhostRule::Wrap, GhostRule::Wrap, [4.0, 1.0, 2.0, 3.0, 4.0, 1.0], "wrap copies the opposite node"),
    (neumann(0.0), neumann(0.0), [2.0, 1.0, 2.0, 3.0, 4.0, 3.0], "insulated mirror"),
    (neumann(0.5), GhostRule::None, [1.5, 1.0, 2.0, 3.0, 4.0, -1.0], "mirror less the left offset"),
    (GhostRule::None, neumann(-2.0), [-1.0, 1.0, 2.0, 3.0, 4.0, 5.0], "mirror less the right offset"),
  ];
  for (left, right, expected, what) in cases {
    let mut row = [-1.0, 1.0, 2.0, 3.0, 4.0, -1.0];
    fill_ghost_columns(&mut row, nx, left, right);
    assert_eq!(row, expected, "{what}");
  }
}

#[test]
fn ghost_row_copies_node_columns_less_the_offset() {
  let from = [9.0, 1.0, 2.0, 3.0, 9.0];
  let boundary = [8.0, 4.0, -4.0, 0.5, 8.0];
  for (rule, expected, what) in [
    (GhostRule::Wrap, [-7.0, 1.0, 2.0, 3.0, -7.0], "periodic copy"),
    (neumann(0.25), [-7.0, 0.75, 1.75, 2.75, -7.0], "Neumann mirror"),
    (GhostRule::None, [-7.0; 5], "nothing for a Dirichlet side"),
  ] {
    let mut target = [-7.0; 5];
    let boundary: &[f64] = if rule == GhostRule::Wrap { &[] } else { &boundary };
    fill_ghost_row(&mut target, &from, boundary, rule);
    assert_eq!(target, expected, "{what}: corners untouched, nodes shifted");
  }
}

/// Test that a mirror with b != 0 (the shape Robin will use) evaluates a·inside + b·boundary + c in
/// that order, in ghost rows and in ghost columns alike.
#[test]
fn mirror_rules_weigh_the_boundary_node() {
  let (a, b, c) = (0.5, -0.25, 0.125);
  let rule = GhostRule::Mirror { a, b, c };
  let inside = [0.0, 1.0, 2.0, 3.0, 0.0];
  let boundary = [0.0, 4.0, -4.0, 0.5, 0.0];
  let mut target = [-7.0; 5];
  fill_ghost_row(&mut target, &inside, &boundary, rule);
  let expected = |k: usize| a * inside[k] + b * boundary[k] + c;
  assert_eq!(target, [-7.0, expected(1), expected(2), expected(3), -7.0]);
  assert_eq!(target[1], 0.5 - 1.0 + 0.125, "node 1 by hand");
  // Padded row: ghost, nodes 1 2 3 4, ghost; the left ghost reads row[2] inside, row[1] on the boundary.
  let mut row = [-1.0, 1.0, 2.0, 3.0, 4.0, -1.0];
  fill_ghost_columns(&mut row, 4, rule, rule);
  assert_eq!(row[0], a * 2.0 + b * 1.0 + c, "left ghost");
  assert_eq!(row[5], a * 3.0 + b * 4.0 + c, "right ghost");
}

#[test]
fn ghost_rules_need_finite_coefficients() {
  let mirror = |a, b, c| GhostRule::Mirror { a, b, c };
  let cases = [
    (GhostRule::None, true, "none is always valid"),
    (neumann(0.5), true, "a Neumann mirror"),
    (mirror(1.0, 0.3, -2.0), true, "a mirror with a boundary weight"),
    (neumann(f64::NAN), false, "a mirror needs a finite offset"),
    (neumann(f64::INFINITY), false, "a mirror refuses an infinite offset"),
    (mirror(f64::NAN, 0.0, 0.0), false, "a mirror needs a finite a"),
    (mirror(1.0, f64::NEG_INFINITY, 0.0), false, "a mirror needs a finite b"),
    (GhostRule::Wrap, true, "wrap is always valid"),
  ];
  for (rule, valid, what) in cases {
    assert_eq!(rule.is_valid(), valid, "{what}");
  }
  let bad = Stencil { left: neumann(f64::NAN), ..stencil(5, 0, 4, 0.1, 0.1, GhostRule::None, GhostRule::None) };
  let error = bad.validate().expect_err("a stencil with a non-finite ghost rule");
  assert!(error.to_string().starts_with("left must be a ghost rule with finite a, b and c"), "{error}");
}

#[test]
fn validate_names_the_first_bad_argument() {
  let good = stencil(5, 1, 3, 0.1, 0.1, GhostRule::None, GhostRule::None);
  assert_eq!(good.validate(), Ok(()));
  let cases: [(Stencil, &str); 7] = [
    (Stencil { nx: 1, first: 0, last: 0, ..good }, "nx must be at least 2, got 1"),
    (Stencil { first: 3, last: 2, ..good }, "columns must be first <= last < nx, got first 3 last 2"),
    (Stencil { last: 5, ..good }, "columns must be first <= last < nx, got first 1 last 5"),
    (Stencil { rx: f64::NAN, ..good }, "rx must be a finite number, got NaN"),
    (Stencil { ry: f64::INFINITY, ..good }, "ry must be a finite number, got inf"),
    (Stencil { dt: f64::NEG_INFINITY, ..good }, "dt must be a finite number, got -inf"),
    (Stencil { nx: 0, rx: f64::NAN, ..good }, "nx must be at least 2, got 0"),
  ];
  for (s, message) in cases {
    let error = s.validate().expect_err(message);
    assert!(matches!(error, KernelError::Argument { .. }), "{message}: {error:?}");
    assert_eq!(error.to_string(), message);
  }
}

#[test]
fn step_band_refuses_wrong_lengths_before_writing() {
  let s = stencil(3, 0, 2, 0.1, 0.1, GhostRule::None, GhostRule::None);
  let stride = 5;
  let src = vec![1.0; 4 * stride];
  let cases: [(usize, usize, Option<usize>, &str); 4] = [
    (3 * stride, 2 * stride, None, "src has length 15, expected 20"),
    (4 * stride, 3 * stride, None, "dst has length 15, expected 10"),
    (4 * stride, 2 * stride, Some(3), "source has length 3, expected 10"),
    (4 * stride, 0, None, "dst has length 0, expected 10"),
  ];
  for (src_len, dst_len, source_len, message) in cases {
    let mut dst = vec![-5.0; dst_len];
    let source = source_len.map(|n| vec![0.0; n]);
    let error = step_band(&src[..src_len], &mut dst, source.as_deref(), None, 2, &s).expect_err(message);
    assert!(matches!(error, KernelError::Length { .. }), "{message}: {error:?}");
    assert_eq!(error.to_string(), message);
    assert!(dst.iter().all(|&v| v == -5.0), "{message}: dst was written");
  }
  let bad = Stencil { last: 3, ..s };
  let mut dst = vec![0.0; 2 * stride];
  let error = step_band(&src, &mut dst, None, None, 2, &bad).expect_err("an invalid stencil");
  assert_eq!(error.to_string(), "columns must be first <= last < nx, got first 0 last 3");
}

#[test]
fn zero_rows_is_a_no_op() {
  let s = stencil(3, 0, 2, 0.1, 0.1, GhostRule::Wrap, GhostRule::Wrap);
  let src = vec![1.0; 2 * 5];
  let mut dst: Vec<f64> = Vec::new();
  // `is_ok` rather than comparing the value: the Ok payload is free to grow (e.g. a finiteness flag).
  assert!(step_band(&src, &mut dst, None, None, 0, &s).is_ok());
}
