//! The row loop of the conservative stencil for a variable diffusivity, one copy per instruction set
//! as in `ftcs`:
//!
//!   u′ = u + rx·(α_e(u_e − u) − α_w(u − u_w)) + ry·(α_n(u_n − u) − α_s(u − u_s)) [+ dt·f],
//!
//! rx = dt/dx², ry = dt/dy², evaluated in exactly this order without fused multiply-adds (the
//! TypeScript kernel does the same). The face α come precomputed (see [`Faces`]).

use super::isa::isa_copies;
use super::summed::sweep_checked;
use super::{Faces, Stencil};

isa_copies! {
  /// One row with this instruction set; `faces` covers the same three padded rows as `halo`.
  pub(super) fn step_row_variable(
    halo: &[f64],
    out: &mut [f64],
    source: Option<&[f64]>,
    faces: &Faces,
    stencil: &Stencil,
  ) -> bool = step_row;
}

/// One row: `halo` and `faces` are three padded rows (south, centre, north), `out` one padded row.
#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn step_row(halo: &[f64], out: &mut [f64], source: Option<&[f64]>, faces: &Faces, stencil: &Stencil) -> bool {
  let stride = stencil.row();
  // Node columns first..=last are padded columns lo..hi; the west face of a node is the east face
  // of its west neighbour, its south face the north face of the node below.
  let (lo, hi) = (stencil.first + 1, stencil.last + 2);
  let (south, rest) = halo.split_at(stride);
  let (centre, north) = rest.split_at(stride);
  let (east, north_faces) = (&faces.east[stride..2 * stride], &faces.north[..2 * stride]);
  let (s, c, n) = (&south[lo..hi], &centre[lo..hi], &north[lo..hi]);
  let (w, e) = (&centre[lo - 1..hi - 1], &centre[lo + 1..=hi]);
  let (a_e, a_w) = (&east[lo..hi], &east[lo - 1..hi - 1]);
  let (a_n, a_s) = (&north_faces[stride + lo..stride + hi], &north_faces[lo..hi]);
  let out = &mut out[lo..hi];
  let (rx, ry) = (stencil.rx, stencil.ry);
  let flux = |[s, c, n, w, e, a_e, a_w, a_n, a_s]: [f64; 9]| {
    let u = c;
    u + rx * (a_e * (e - u) - a_w * (u - w)) + ry * (a_n * (n - u) - a_s * (u - s))
  };
  match source {
    None => sweep_checked(out, [s, c, n, w, e, a_e, a_w, a_n, a_s], flux),
    Some(f) => {
      let dt = stencil.dt;
      let inputs = [s, c, n, w, e, a_e, a_w, a_n, a_s, &f[lo..hi]];
      sweep_checked(out, inputs, |[node @ .., f]: [f64; 10]| flux(node) + dt * f)
    }
  }
}

#[cfg(test)]
mod tests {
  use super::super::{step_band, Faces, Stencil};
  use crate::boundary::GhostRule;

  /// Test that with every face α = 1 the conservative form gives the constant stencil's answer (to
  /// rounding), and that a face's α scales only its own flux.
  #[test]
  fn unit_faces_match_the_constant_stencil() {
    let (nx, rows) = (6, 2);
    let stride = nx + 2;
    let src: Vec<f64> = (0..(rows + 2) * stride).map(|k| ((k * 7) % 11) as f64 * 0.25).collect();
    let stencil = Stencil {
      nx,
      first: 0,
      last: nx - 1,
      rx: 0.1,
      ry: 0.2,
      dt: 0.01,
      left: GhostRule::None,
      right: GhostRule::None,
      plane: None,
    };
    let ones = vec![1.0; src.len()];
    let zeros = vec![0.0; src.len()];
    let faces = Faces { east: &ones, north: &ones, ghost_b: &zeros, ghost_c: &zeros, up: &[] };
    let (mut constant, mut variable) = (vec![0.0; rows * stride], vec![0.0; rows * stride]);
    step_band(&src, &mut constant, None, None, rows, &stencil).expect("constant step");
    step_band(&src, &mut variable, None, Some(&faces), rows, &stencil).expect("variable step");
    for (k, (a, b)) in constant.iter().zip(&variable).enumerate() {
      assert!((a - b).abs() < 1e-12, "value {k}: {a} vs {b}");
    }
    // Doubling only the east face of node (2, 0) doubles only that flux.
    let mut east = ones.clone();
    east[stride + 3] = 2.0;
    let faces = Faces { east: &east, north: &ones, ghost_b: &zeros, ghost_c: &zeros, up: &[] };
    step_band(&src, &mut variable, None, Some(&faces), rows, &stencil).expect("variable step");
    let c = stride + 3;
    let want = constant[3] + 0.1 * (src[c + 1] - src[c]);
    assert!((variable[3] - want).abs() < 1e-12, "{} vs {want}", variable[3]);
  }
}
