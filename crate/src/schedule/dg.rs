//! A worker's Douglas–Gunn loop on a 3D grid (see `stencil::plane_lines`), the twin of
//! lib/backends/js-dg.ts. Per step, from uⁿ in buffer p:
//!
//!   each plane of the band: uⁿ's ghost rows, x-lines (u* into buffer 1 − p), y-lines (u** in place)
//!   barrier
//!   the block's node rows in every plane: z-lines (uⁿ⁺¹ in place), its ghost columns and ghost-plane cells
//!   barrier, and the buffers swap.
//!
//! Who touches what (so that no cell is written by one thread while another reads it):
//! - first phase: a thread writes its own planes' unknowns of buffer 1 − p and its own planes' ghost
//!   rows of buffer p; it reads buffer p in its planes ±1, the other threads' planes only at nodes;
//! - second phase: nobody writes buffer p; a thread reads and writes buffer 1 − p only in its own node
//!   rows (their unknowns, ghost columns and ghost-plane cells) and reads the fixed nodes beside them.
//!
//! uⁿ⁺¹'s ghost rows are made from rows other threads own, so they wait for the next first phase, in
//! which the thread owning the plane makes them. An abort drops a step at its first barrier (uⁿ is
//! still intact in buffer p); a stop or abort decided at the second counts the step as done.

use super::Outcome;
use crate::error::KernelError;
use crate::grid::SharedFields;
use crate::stencil::plane_lines::{
  plane_ghost_rows, rows_finite, rows_halo, solve_plane_y, solve_rows_z, solve_x_rows, Cells, PlaneLines,
};
use crate::stencil::plane_lines_variable::{
  plane_ghost_rows_variable, rows_halo_variable, solve_block_variable, solve_x_row_variable, Along,
};
use crate::stencil::Faces;
use crate::sync::{Control, Release};

/// x-lines swept in lockstep (see `solve_x_rows`).
const GROUP: usize = 4;

/// Everything one thread's Douglas–Gunn run needs besides how far it goes.
pub struct PlaneRun<'a> {
  pub fields: &'a SharedFields,
  pub source: Option<&'a [f64]>,
  /// A separable source of t: per step dt/2·g(t_{n+1/2}), as the ring holds it; twice that (exactly
  /// dt·g) replaces `lines.dt`.
  pub weights: Option<&'a [f64]>,
  /// The faces buffer, five arrays (required when `lines.variable`).
  pub faces: Option<Faces<'a>>,
  pub control: &'a Control<'a>,
  /// Node planes [start, end) of the first phase.
  pub planes: (usize, usize),
  /// Node rows [start, end) of the z-lines (possibly empty).
  pub rows: (usize, usize),
  pub parties: i32,
  pub lines: &'a PlaneLines,
}

impl PlaneRun<'_> {
  /// Checks everything the loop relies on, before any memory is touched.
  fn validate(&self, scratch: &[f64]) -> Result<(), KernelError> {
    let lines = self.lines;
    lines.validate()?;
    let len = lines.len();
    if self.fields.len != len {
      return Err(KernelError::Length { what: "fieldA", expected: len, actual: self.fields.len });
    }
    if let Some(s) = self.source.filter(|s| s.len() != len) {
      return Err(KernelError::Length { what: "source", expected: len, actual: s.len() });
    }
    if lines.variable && self.faces.as_ref().is_none_or(|f| f.east.len() != len || f.up.len() != len) {
      let actual = self.faces.as_ref().map_or(0, |f| 4 * f.east.len() + f.up.len());
      return Err(KernelError::Length { what: "faces", expected: 5 * len, actual });
    }
    let (y, z) = (&lines.y, &lines.z);
    let (p, r) = (self.planes, self.rows);
    let planes_ok = p.0 < p.1 && p.0 >= z.first && p.1 <= z.first + z.count;
    let rows_ok = r.0 <= r.1 && (r.0 == r.1 || (r.0 >= y.first && r.1 <= y.first + y.count));
    if !planes_ok || !rows_ok || scratch.len() < scratch_len(lines) {
      let actual = format!("planes {}..{}, rows {}..{}, scratch {}", p.0, p.1, r.0, r.1, scratch.len());
      return Err(KernelError::Argument { what: "band", expected: "planes and rows among the unknowns", actual });
    }
    let control = self.control.parties();
    if control != self.parties {
      return Err(KernelError::Parties { band: self.parties, control });
    }
    Ok(())
  }
}

/// Scratch values a thread needs: a plane (cyclic factors), or the conservative sweeps' upper
/// coefficients of a plane's y-lines and a row's z-lines.
#[must_use]
pub fn scratch_len(lines: &PlaneLines) -> usize {
  lines.plane().max((lines.y.count + lines.z.count) * lines.stride())
}

/// The x- and y-lines of the padded plane at `base` (uⁿ's ghost rows first).
fn plane_solves(run: &PlaneRun, (src, dst): (Cells, Cells), weight: f64, base: usize, scratch: &mut [f64]) {
  let lines = run.lines;
  let (x, y, stride) = (&lines.x, &lines.y, lines.stride());
  if let (true, Some(faces)) = (lines.variable, &run.faces) {
    plane_ghost_rows_variable(lines, faces, src, base);
    for j in y.first..y.first + y.count {
      solve_x_row_variable(lines, faces, src, dst, run.source, weight, base + (j + 1) * stride, scratch);
    }
    let first = base + (y.first + 1) * stride + x.first + 1;
    solve_block_variable(lines, faces, Along::Y, (src, dst), (first, x.count), scratch);
    return;
  }
  plane_ghost_rows(lines, src, base);
  let mut j = y.first;
  while j < y.first + y.count {
    let at = base + (j + 1) * stride;
    if y.first + y.count - j >= GROUP {
      solve_x_rows::<GROUP>(lines, src, dst, run.source, weight, at);
      j += GROUP;
    } else {
      solve_x_rows::<1>(lines, src, dst, run.source, weight, at);
      j += 1;
    }
  }
  solve_plane_y(lines, src, dst, base, scratch);
}

/// The first phase over the band's planes; false if an abort request cut it short.
fn planes_phase(run: &PlaneRun, src: Cells, dst: Cells, weight: f64, scratch: &mut [f64]) -> bool {
  for k in run.planes.0..run.planes.1 {
    if run.control.aborting() {
      return false;
    }
    plane_solves(run, (src, dst), weight, (k + 1) * run.lines.plane(), scratch);
  }
  true
}

/// The z-lines of the block's rows and their halo; whether every value is finite.
fn rows_phase(run: &PlaneRun, src: Cells, dst: Cells, scratch: &mut [f64]) -> bool {
  let lines = run.lines;
  let Some(faces) = run.faces.as_ref().filter(|_| lines.variable) else {
    let finite = solve_rows_z(lines, src, dst, run.rows, scratch);
    rows_halo(lines, dst, run.rows);
    return finite;
  };
  let (x, z, stride, plane) = (&lines.x, &lines.z, lines.stride(), lines.plane());
  for r in run.rows.0..run.rows.1 {
    let first = (z.first + 1) * plane + (r + 1) * stride + x.first + 1;
    solve_block_variable(lines, faces, Along::Z, (src, dst), (first, x.count), scratch);
  }
  let finite = rows_finite(lines, dst, run.rows);
  rows_halo_variable(lines, faces, dst, run.rows);
  finite
}

/// Runs up to `steps` Douglas–Gunn steps from buffer `parity`; the result of step n is in buffer
/// `parity + n + 1` (mod 2).
///
/// # Safety
/// As [`super::run_band`]: two distinct live buffers of `fields.len` values, shared only with peers
/// running this function with the same lines, parties and control block on disjoint planes and rows.
///
/// # Errors
/// A [`KernelError`] if the lines, band, fields, source or control block do not fit.
pub unsafe fn run_plane_lines(
  run: &PlaneRun,
  scratch: &mut [f64],
  steps: usize,
  parity: usize,
) -> Result<Outcome, KernelError> {
  run.validate(scratch)?;
  if let Some(w) = run.weights.filter(|w| w.len() < steps || !w.iter().all(|v| v.is_finite())) {
    let actual = format!("{} values for {steps} steps", w.len());
    return Err(KernelError::Argument { what: "weights", expected: "a finite weight per step", actual });
  }
  let stopped = |steps, abandoned| Ok(Outcome { steps, abandoned, lost: false });
  for done in 0..steps {
    let p = (parity + done) & 1;
    // SAFETY: both buffers hold `fields.len` = `lines.len()` values (validated) for the call, and the
    // module's division of cells between threads keeps every cell to one writer and no reader meanwhile.
    let (src, dst) = unsafe {
      (Cells::new(run.fields.buffers[p], run.fields.len), Cells::new(run.fields.buffers[1 - p], run.fields.len))
    };
    // The source's weight: dt, or this step's dt·g(t_{n+1/2}) (doubling is exact).
    let weight = run.weights.map_or(run.lines.dt, |w| 2.0 * w[done]);
    planes_phase(run, src, dst, weight, scratch);
    match run.control.wait(run.parties) {
      Release::Go | Release::Stop => {}
      // uⁿ is intact: the step is dropped.
      Release::Abort => return stopped(done, false),
      Release::Abandoned => return stopped(done, true),
    }
    if !rows_phase(run, src, dst, scratch) {
      run.control.flag_non_finite(0);
    }
    match run.control.wait(run.parties) {
      Release::Go => {}
      Release::Stop | Release::Abort => return stopped(done + 1, false),
      Release::Abandoned => return stopped(done, true),
    }
  }
  stopped(steps, false)
}
