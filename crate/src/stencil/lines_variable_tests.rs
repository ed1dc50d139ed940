//! Tests of the conservative line solves: each x-line satisfies its own system.

use super::*;
use crate::stencil::lines::{LineAxis, LineEnd};

fn axis(first: usize, count: usize, half: f64, fixed: (bool, bool)) -> LineAxis {
  let end = |fixed| LineEnd { fixed, term: 0.0 };
  let (lower, inv, upper) = (Vec::new(), Vec::new(), Vec::new());
  LineAxis { first, count, half, lower, inv, upper, low: end(fixed.0), high: end(fixed.1), cyclic: None }
}

/// Test that an x-line solve satisfies every row of its system: a fixed left end, a Robin-like mirror
/// right end with the cell's own b and c, and a periodic line (its ends coupled to each other).
#[test]
fn x_lines_satisfy_their_systems() {
  let nx = 7;
  let stride = nx + 2;
  let len = 3 * stride;
  let src: Vec<f64> = (0..len).map(|k| ((k * 5) % 13) as f64 * 0.1 - 0.4).collect();
  let east: Vec<f64> = (0..len).map(|k| 0.5 + ((k * 3) % 7) as f64 * 0.25).collect();
  let north: Vec<f64> = (0..len).map(|k| 1.0 + ((k * 2) % 5) as f64 * 0.1).collect();
  let (mut ghost_b, mut ghost_c) = (vec![0.0; len], vec![0.0; len]);
  (ghost_b[2 * stride - 1], ghost_c[2 * stride - 1]) = (-0.3, 0.2);
  let faces = Faces { east: &east, north: &north, ghost_b: &ghost_b, ghost_c: &ghost_c, up: &[] };
  let (hx, hy) = (0.7, 0.3);
  let mirror = GhostRule::Mirror { a: 1.0, b: -0.3, c: 0.2 };
  for (left, right, x) in [
    (GhostRule::None, mirror, axis(1, nx - 1, hx, (true, false))),
    (GhostRule::Wrap, GhostRule::Wrap, axis(0, nx, hx, (false, false))),
  ] {
    let lines = Lines {
      nx,
      ny: 1,
      half_dt: 0.0,
      variable: true,
      x: x.clone(),
      y: axis(0, 1, hy, (false, false)),
      left,
      right,
      bottom: GhostRule::None,
      top: GhostRule::None,
    };
    let mut row = vec![0.0; stride];
    row[1] = 2.0; // the fixed left node, when there is one
    let mut scratch = vec![0.0; 2 * stride];
    solve_rows_variable::<1>(&lines, &faces, &src, &mut row, stride, None, 0.0, &mut scratch);
    let wraps = left == GhostRule::Wrap;
    let node = |i: isize| -> f64 {
      let n = nx.cast_signed();
      if wraps {
        row[1 + i.rem_euclid(n) as usize]
      } else if i == n {
        row[nx - 1] - 0.3 * row[nx] + 0.2
      } else {
        row[(i + 1) as usize]
      }
    };
    for k in 0..x.count {
      let (i, c) = ((x.first + k).cast_signed(), stride + x.first + k + 1);
      let u = src[c];
      let d = u + hy * (north[c] * (src[c + stride] - u) - north[c - stride] * (u - src[c - stride]));
      let (lo, hi) = (hx * east[c - 1], hx * east[c]);
      let lhs = -lo * node(i - 1) + (1.0 + lo + hi) * node(i) - hi * node(i + 1);
      assert!((lhs - d).abs() < 1e-12, "{left:?} row {k}: {lhs} vs {d}");
    }
  }
}
