//! The 7-point FTCS step of one padded plane of a 3D field, one copy per instruction set (see `isa`):
//!
//!   u′ = u + rx·(u_w − 2u + u_e) + ry·(u_s − 2u + u_n) + rz·(u_b − 2u + u_f) [+ dt·f],
//!
//! evaluated in exactly this order without fused multiply-adds (the TypeScript kernel,
//! lib/backends/js-plane.ts, does the same). After its node rows the plane's in-plane halo is
//! refreshed: each row's ghost columns, then the bottom and top ghost rows. A variable diffusivity
//! takes the conservative form, with each ghost cell's own b and c:
//!
//!   u′ = u + rx·(α_e(u_e − u) − α_w(u − u_w)) + ry·(α_n(u_n − u) − α_s(u − u_s))
//!          + rz·(α_f(u_f − u) − α_b(u − u_b)) [+ dt·f].

use super::isa::isa_copies;
use super::summed::sweep_checked;
use super::{Faces, Plane, Stencil};
use crate::boundary::{
  fill_ghost_columns, fill_ghost_columns_with, fill_ghost_row, fill_ghost_row_with, CellCoefficients, GhostRule,
};

isa_copies! {
  /// One plane with this instruction set; `halo` is three padded planes (back, centre, front), `out`
  /// and `source` one. Returns whether the plane's updated values are finite.
  pub(super) fn step_plane(
    halo: &[f64],
    out: &mut [f64],
    source: Option<&[f64]>,
    stencil: &Stencil,
    plane: &Plane,
  ) -> bool = step_plane;
}

isa_copies! {
  /// As `step_plane`, in the conservative form; `faces` covers the same three planes as `halo`.
  pub(super) fn step_plane_variable(
    halo: &[f64],
    out: &mut [f64],
    source: Option<&[f64]>,
    faces: &Faces,
    stencil: &Stencil,
    plane: &Plane,
  ) -> bool = step_plane_variable;
}

/// The seven points of the stencil for a run of nodes, each as long as the run.
struct Near<'a> {
  c: &'a [f64],
  w: &'a [f64],
  e: &'a [f64],
  s: &'a [f64],
  n: &'a [f64],
  b: &'a [f64],
  f: &'a [f64],
}

#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn step_plane(halo: &[f64], out: &mut [f64], source: Option<&[f64]>, stencil: &Stencil, plane: &Plane) -> bool {
  let (row, len) = (stencil.row(), stencil.stride());
  let (back, rest) = halo.split_at(len);
  let (centre, front) = rest.split_at(len);
  // Node columns first..=last are padded columns lo..hi of a row.
  let (lo, hi) = (stencil.first + 1, stencil.last + 2);
  let mut finite = true;
  for j in plane.first_row + 1..=plane.last_row + 1 {
    let at = j * row;
    let (a, b) = (at + lo, at + hi);
    let near = Near {
      c: &centre[a..b],
      w: &centre[a - 1..b - 1],
      e: &centre[a + 1..=b],
      s: &centre[a - row..b - row],
      n: &centre[a + row..b + row],
      b: &back[a..b],
      f: &front[a..b],
    };
    let k = [stencil.rx, stencil.ry, plane.rz, stencil.dt];
    finite &= sweep(&mut out[a..b], &near, k, source.map(|f| &f[a..b]));
    fill_ghost_columns(&mut out[at..at + row], stencil.nx, stencil.left, stencil.right);
  }
  fill_plane_ghost_rows(out, row, plane.ny, plane.bottom, plane.top, None);
  finite
}

/// The face α of a run of nodes: east and west, north and south, front and back.
struct FaceRun<'a> {
  e: &'a [f64],
  w: &'a [f64],
  n: &'a [f64],
  s: &'a [f64],
  f: &'a [f64],
  b: &'a [f64],
}

#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn step_plane_variable(
  halo: &[f64],
  out: &mut [f64],
  source: Option<&[f64]>,
  faces: &Faces,
  stencil: &Stencil,
  plane: &Plane,
) -> bool {
  let (row, len) = (stencil.row(), stencil.stride());
  let (lo, hi) = (stencil.first + 1, stencil.last + 2);
  let k = [stencil.rx, stencil.ry, plane.rz, stencil.dt];
  let mut finite = true;
  for j in plane.first_row + 1..=plane.last_row + 1 {
    let at = j * row;
    let (near, face) = variable_run(halo, faces, row, len, at + lo..at + hi);
    let run = &mut out[at + lo..at + hi];
    finite &= sweep_variable(run, &near, &face, k, source.map(|f| &f[at + lo..at + hi]));
    let span = len + at..len + at + row;
    let cells = CellCoefficients { b: &faces.ghost_b[span.clone()], c: &faces.ghost_c[span] };
    fill_ghost_columns_with(&mut out[at..at + row], stencil.nx, stencil.left, stencil.right, cells);
  }
  let cells = CellCoefficients { b: &faces.ghost_b[len..2 * len], c: &faces.ghost_c[len..2 * len] };
  fill_plane_ghost_rows(out, row, plane.ny, plane.bottom, plane.top, Some(cells));
  finite
}

/// The seven points and six faces of the nodes `a..b` of the centre plane (padded indices within a plane):
/// `halo` and `faces` are three planes of `len` values, rows of `row`. A node's west face is the east face
/// of its west neighbour, its south face the north face of the node below, its back face the up face of
/// the node behind it.
#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn variable_run<'a>(
  halo: &'a [f64],
  faces: &Faces<'a>,
  row: usize,
  len: usize,
  run: std::ops::Range<usize>,
) -> (Near<'a>, FaceRun<'a>) {
  let (a, b) = (run.start, run.end);
  let (back, centre, front) = (&halo[..len], &halo[len..2 * len], &halo[2 * len..3 * len]);
  let (east, north, up) = (&faces.east[len..2 * len], &faces.north[len..2 * len], &faces.up[..2 * len]);
  let near = Near {
    c: &centre[a..b],
    w: &centre[a - 1..b - 1],
    e: &centre[a + 1..=b],
    s: &centre[a - row..b - row],
    n: &centre[a + row..b + row],
    b: &back[a..b],
    f: &front[a..b],
  };
  let face = FaceRun {
    e: &east[a..b],
    w: &east[a - 1..b - 1],
    n: &north[a..b],
    s: &north[a - row..b - row],
    f: &up[len + a..len + b],
    b: &up[a..b],
  };
  (near, face)
}

/// The conservative hot loop, `k` = [rx, ry, rz, dt]; with a source, + dt·f last. Returns whether
/// every value written is finite.
#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn sweep_variable(out: &mut [f64], near: &Near, face: &FaceRun, k: [f64; 4], source: Option<&[f64]>) -> bool {
  let [rx, ry, rz, dt] = k;
  let Near { c, w, e, s, n, b, f } = *near;
  let flux = |[c, w, e, s, n, b, f, a_e, a_w, a_n, a_s, a_f, a_b]: [f64; 13]| {
    let u = c;
    u + rx * (a_e * (e - u) - a_w * (u - w))
      + ry * (a_n * (n - u) - a_s * (u - s))
      + rz * (a_f * (f - u) - a_b * (u - b))
  };
  let inputs = [c, w, e, s, n, b, f, face.e, face.w, face.n, face.s, face.f, face.b];
  match source {
    None => sweep_checked(out, inputs, flux),
    Some(src) => {
      let [c, w, e, s, n, b, f, a_e, a_w, a_n, a_s, a_f, a_b] = inputs;
      let with_source = [c, w, e, s, n, b, f, a_e, a_w, a_n, a_s, a_f, a_b, src];
      sweep_checked(out, with_source, |[node @ .., q]: [f64; 14]| flux(node) + dt * q)
    }
  }
}

/// The bottom (padded row 0) and top (row ny + 1) ghost rows of one padded plane, from its node rows;
/// with `cells` (the plane's ghost coefficients), each ghost cell's own b and c.
#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn fill_plane_ghost_rows(
  out: &mut [f64],
  row: usize,
  ny: usize,
  bottom: GhostRule,
  top: GhostRule,
  cells: Option<CellCoefficients>,
) {
  let fill = |target: &mut [f64], inside: &[f64], boundary: &[f64], rule, r: usize| match cells {
    Some(all) => {
      let own = CellCoefficients { b: &all.b[r * row..(r + 1) * row], c: &all.c[r * row..(r + 1) * row] };
      fill_ghost_row_with(target, inside, boundary, rule, own);
    }
    None => fill_ghost_row(target, inside, boundary, rule),
  };
  let (ghost, nodes) = out.split_at_mut(row);
  // Node row j (0-based) is nodes[j·row..(j + 1)·row] here.
  match bottom {
    GhostRule::None => {}
    GhostRule::Mirror { .. } => fill(ghost, &nodes[row..2 * row], &nodes[..row], bottom, 0),
    GhostRule::Wrap => fill(ghost, &nodes[(ny - 1) * row..ny * row], &[], bottom, 0),
  }
  let (nodes, ghost) = out.split_at_mut((ny + 1) * row);
  let ghost = &mut ghost[..row];
  // Node row j is nodes[(j + 1)·row..(j + 2)·row] here.
  match top {
    GhostRule::None => {}
    GhostRule::Mirror { .. } => fill(ghost, &nodes[(ny - 1) * row..ny * row], &nodes[ny * row..], top, ny + 1),
    GhostRule::Wrap => fill(ghost, &nodes[row..2 * row], &[], top, ny + 1),
  }
}

/// The hot loop, `k` = [rx, ry, rz, dt]; with a source, + dt·f last. The arithmetic order matches the
/// TypeScript kernel. Returns whether every value written is finite.
#[expect(clippy::inline_always, reason = "must be inlined into each target_feature copy to be compiled for its ISA")]
#[inline(always)]
fn sweep(out: &mut [f64], near: &Near, k: [f64; 4], source: Option<&[f64]>) -> bool {
  let [rx, ry, rz, dt] = k;
  let Near { c, w, e, s, n, b, f } = *near;
  let update = |[c, w, e, s, n, b, f]: [f64; 7]| {
    let u = c;
    u + rx * (w - 2.0 * u + e) + ry * (s - 2.0 * u + n) + rz * (b - 2.0 * u + f)
  };
  match source {
    None => sweep_checked(out, [c, w, e, s, n, b, f], update),
    Some(q) => {
      sweep_checked(out, [c, w, e, s, n, b, f, q], |[c, w, e, s, n, b, f, q]| update([c, w, e, s, n, b, f]) + dt * q)
    }
  }
}
