//! Temporal blocking: k steps per pass over memory, bit-identical to k plain steps.
//!
//! With two buffers a row can hold two consecutive time levels: level L in buffer (p0 + L) mod 2 and
//! L − 1 in the other. A row may be advanced to level L as soon as its neighbours have reached L − 1
//! and none has gone past L; keeping adjacent rows within one level of each other guarantees that.
//!
//! Phase 1 (no synchronisation): each thread sweeps its band as a wavefront: for each front r going
//! up, it advances row r to level 1, row r − 1 to level 2, …, row r − k + 1 to level k, so the rows in
//! flight stay in cache. With a tile of T rows the front moves up T rows at a time and each level
//! advances T rows in one call: the order changes, the bits do not. Near a boundary with another
//! thread's band, row levels are capped at 1 + (distance to the boundary): the edge row stops at
//! level 1, so the neighbour only ever reads our edge row at level 0, which we never overwrite in
//! this phase (and vice versa).
//! Barrier. Phase 2: each thread raises the "valley" at its upper band boundary (rows on both sides
//! within k − 1 of it) one level at a time to k. Bands of at least 2k rows keep valleys apart.
//! Barrier. Every row is at level k.
//!
//! A ghost row is refreshed each time one of the rows it reads reaches a level. The second of the
//! two (for a Mirror) is the one that counts: the first cannot go past that level before its
//! neighbour, the second, has reached it, and the row beside the ghost needs both before it can
//! read the ghost at that level.

use std::slice;

use super::{job_cells, unit_rows, write_boundary_units, Neighbours, Outcome, Run, Timed};
use crate::boundary::timed::Level;
use crate::grid::{flush_subnormals, Band, SharedFields};
use crate::stencil::{step_units, Faces, Isa, Stencil};
use crate::sync::{Control, Release};

struct Ctx<'a> {
  fields: &'a SharedFields,
  control: &'a Control<'a>,
  source: Option<&'a [f64]>,
  faces: Option<Faces<'a>>,
  band: &'a Band<'a>,
  stencil: &'a Stencil,
  /// The block's per-step source weights (level L is step L − 1 of the block), if the source varies in time.
  weights: Option<&'a [f64]>,
  /// Side data of t, and the run's step of the block's level 1.
  timed: Option<Timed<'a>>,
  done: usize,
  /// The instruction set, detected once (a row is stepped without `step_band`'s checks: the run checked them).
  isa: Isa,
  /// Buffer holding level 0.
  parity: usize,
  /// The lowest level at which a row of this band went non-finite, if any.
  first_bad: Option<usize>,
}

impl Ctx<'_> {
  /// Advances node rows first..last from level `level − 1` to `level`, then refreshes any ghost row made
  /// from them.
  ///
  /// # Safety
  /// The schedule must guarantee that rows first − 1…last hold level − 1 in buffer (parity + level − 1)
  /// mod 2 and that no other thread reads or writes rows first..last of buffer (parity + level) mod 2
  /// meanwhile.
  unsafe fn advance_rows(&mut self, first: usize, last: usize, level: usize) {
    let stride = self.stencil.stride();
    let rows = last - first;
    let src = self.fields.buffers[(self.parity + level - 1) % 2];
    let dst = self.fields.buffers[(self.parity + level) % 2];
    // SAFETY: padded rows first…last + 1 are node rows first − 1…last, inside the field (the band was
    // validated); by the caller's contract nobody writes them in this buffer now.
    let halo = unsafe { slice::from_raw_parts(src.add(first * stride), (rows + 2) * stride) };
    // SAFETY: padded rows first + 1…last of `dst` are written by this thread alone at this point (contract).
    let out = unsafe { slice::from_raw_parts_mut(dst.add((first + 1) * stride), rows * stride) };
    let f = self.source.map(|s| &s[(first + 1) * stride..(last + 1) * stride]);
    let near = self.faces.map(|x| x.range(first * stride..(last + 2) * stride));
    let weighted;
    let stencil = match self.weights {
      Some(w) => {
        weighted = Stencil { dt: w[level - 1], ..*self.stencil };
        &weighted
      }
      None => self.stencil,
    };
    // SAFETY: the caller's contract (the ring's slot of this step is not written during the run).
    let slot = self.timed.map(|t| unsafe { t.level(self.done + level - 1) });
    let units = first + 1..last + 1;
    if let Some(slot) = slot {
      out.chunks_exact_mut(stride).zip(units.clone()).for_each(|(unit, u)| slot.prepare_unit(unit, u));
    }
    if !step_units(self.isa, halo, out, f, near.as_ref(), stencil) {
      self.first_bad = Some(self.first_bad.map_or(level, |bad| bad.min(level)));
    }
    if let Some(slot) = slot {
      let inner = unit_rows(stencil);
      out.chunks_exact_mut(stride).zip(units.clone()).for_each(|(unit, u)| slot.finish_unit(unit, u, inner.clone()));
    }
    if self.band.flush_subnormals {
      flush_subnormals(out);
    }
    // SAFETY: this thread has just brought these units to `level` (the function's contract).
    unsafe { self.refresh_beside(units, level, slot.as_ref()) };
  }

  /// After padded units `units` reached `level`: the Dirichlet units just outside them (side data of t)
  /// and the ghost rows made from them.
  ///
  /// # Safety
  /// This thread must have just brought `units` to `level`, as [`Self::advance_rows`] does.
  unsafe fn refresh_beside(&self, units: std::ops::Range<usize>, level: usize, slot: Option<&Level>) {
    let stride = self.stencil.stride();
    let buffer = (self.parity + level) % 2;
    if let Some(slot) = slot {
      for u in units.clone() {
        // SAFETY: this thread has just brought unit u to `level` (the function's contract).
        unsafe { write_boundary_units(self.fields, buffer, stride, slot, u) };
      }
    }
    for job in self.band.ghost_rows.iter().filter(|j| j.reads_any(units.clone())) {
      let cells = job_cells(slot, self.faces.as_ref(), job, stride);
      // SAFETY: the rows read are this thread's own (validated) and nobody else writes them; the
      // ghost row is written only by this thread and read only by its next level of the row beside it.
      unsafe { self.fields.fill_ghost_row_flushed(buffer, stride, job, cells, self.band.flush_subnormals) };
    }
  }
}

/// The node rows of the band that reach `level` in phase 1: near a boundary with another thread's
/// band, a row's level is capped at 1 + its distance to that boundary (module doc).
fn reach(band: &Band, near: Neighbours, level: usize) -> std::ops::Range<usize> {
  let lo = if near.below { band.start + level - 1 } else { band.start };
  let hi = if near.above_end.is_some() { (band.end + 1).saturating_sub(level) } else { band.end };
  lo..hi.max(lo)
}

/// Phase 1: the capped wavefront over the band, `tile` rows per level at each front (1: row by row,
/// the fewest rows in flight; the band's height: level by level). It does not look at an abort request:
/// a block cut short would leave the rows at mixed time levels. Only an abandoned barrier (nobody will
/// read the fields again) stops it early.
unsafe fn wavefront(ctx: &mut Ctx, near: Neighbours, k: usize, tile: usize) {
  let (start, end) = (ctx.band.start, ctx.band.end);
  let mut front = start;
  // At front f, level L advances rows [f − L + 1 − tile, f − L + 1) ∩ reach(L); row r at level L
  // then reads row r + 1 at level L − 1, which the previous level reached at this same front.
  while front < end + k - 1 {
    if ctx.control.abandoned() {
      return;
    }
    front += tile;
    for level in 1..=k {
      let top = (front + 1).saturating_sub(level);
      let rows = reach(ctx.band, near, level);
      let (lo, hi) = (top.saturating_sub(tile).max(rows.start), top.min(rows.end));
      if lo < hi {
        // SAFETY: the wavefront order and the caps keep the contract of `advance_rows` (module doc).
        unsafe { ctx.advance_rows(lo, hi, level) };
      }
    }
  }
}

/// Phase 2: raise the valley at the upper boundary `b` to level k.
unsafe fn fill_valley(ctx: &mut Ctx, b: usize, k: usize) {
  // Below b, row b − 1 − d reached 1 + d; above, row b + d reached 1 + d (d = distance to b): level L
  // raises the rows within L − 1 of b, all at L − 1.
  for level in 2..=k {
    if ctx.control.abandoned() {
      return;
    }
    // SAFETY: all valley rows are at level − 1 or more and within one level of their neighbours;
    // the other threads touch only rows at least k away (bands of >= 2k rows).
    unsafe { ctx.advance_rows(b + 1 - level, b + level - 1, level) };
  }
}

/// The run as temporal blocks of `schedule.k` steps (a shorter last block). An abort request seen at
/// either barrier of a block ends the run once that block is complete, so the fields always hold a
/// whole number of blocks; only an abandoned barrier leaves mixed time levels (the field is lost).
///
/// # Safety
/// As [`super::run_band`], whose checks must have passed.
pub(super) unsafe fn run(run: &Run, steps: usize, parity: usize) -> Outcome {
  let mut done = 0;
  while done < steps {
    let k = run.schedule.k.min(steps - done);
    // SAFETY: every thread of the run takes the same k at the same point (same steps and schedule).
    let release = unsafe { run_block(run, k, done, (parity + done) % 2) };
    match release {
      Release::Go => done += k,
      Release::Stop | Release::Abort => return Outcome { steps: done + k, abandoned: false, lost: false },
      Release::Abandoned => return Outcome { steps: done, abandoned: true, lost: true },
    }
  }
  Outcome { steps, abandoned: false, lost: false }
}

/// Runs `k` steps (steps `done`… of the run) as one temporal block and returns `Go`, `Stop` (the block is
/// complete and the run ends: a stop or abort was decided at one of its two barriers) or `Abandoned` (mixed levels).
///
/// # Safety
/// As [`super::run_band`]; in addition every band of the run has at least 2k rows, and `near` describes
/// the real neighbours (their bands run this same schedule with the same `k`).
unsafe fn run_block(run: &Run, k: usize, done: usize, parity: usize) -> Release {
  let Run { fields, source, faces, weights, timed, control, band, stencil, schedule } = *run;
  let near = schedule.near;
  let weights = weights.map(|w| &w[done..done + k]);
  let isa = Isa::detect();
  let mut ctx =
    Ctx { fields, control, source, faces, band, stencil, weights, timed, done, isa, parity, first_bad: None };
  // SAFETY: the caller guarantees the preconditions of the two-phase schedule (module doc).
  unsafe { wavefront(&mut ctx, near, k, schedule.tile.min(band.end - band.start)) };
  let first = control.wait(band.parties);
  if first == Release::Abandoned {
    return first;
  }
  if near.above_end.is_some() {
    // SAFETY: as above; phase 1 is complete everywhere (barrier).
    unsafe { fill_valley(&mut ctx, band.end, k) };
  }
  if let Some(level) = ctx.first_bad {
    control.flag_non_finite(k - level);
  }
  // Every thread read the same `first` decision, so all of them end the run after this block.
  match (first, control.wait(band.parties)) {
    (_, Release::Abandoned) => Release::Abandoned,
    (Release::Go, Release::Go) => Release::Go,
    _ => Release::Stop,
  }
}
