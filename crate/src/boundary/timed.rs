//! Side data that change every step (functions of t), read by the run loops from a ring of per-step
//! slots that the main thread fills ahead of the workers, so that no step waits for it.
//!
//! A slot holds one face of the padded box for each side in the ring: a Dirichlet side the values of its
//! nodes, a mirror side (Neumann, Robin) each ghost cell's b, then each ghost cell's c. A face is laid out
//! by padded coordinates (i′ = i + 1 …): across x, j′ + (ny + 2)·k′; across y, i′ + (nx + 2)·k′; across z,
//! i′ + (nx + 2)·j′, the layout of a padded plane. A 2D grid has no z halo: k′ = 0. Step s of a run (from
//! level s to s + 1) reads slot (slot0 + s) mod slots, which holds the data at the time of level s + 1.
//!
//! A unit is a padded row (2D) or a padded plane (3D), the bands' unit. For each unit a step writes:
//! - before the kernel, [`Level::prepare_unit`] writes the nodes of Dirichlet sides within it (what the
//!   main thread used to write before the step, so the kernel's own ghost cells see them);
//! - after the kernel, [`Level::finish_unit`] recomputes the ghost cells the kernel filled within the unit
//!   for mirror sides in the ring (ghost columns; in 3D also the ghost rows across y);
//! - ghost rows refreshed by the run loop (across y in 2D, the planes across z in 3D) take their cells
//!   from [`Level::job_cells`];
//! - a Dirichlet side's own unit, which no band updates, is written by [`Level::write_boundary_units`]
//!   when the unit just inside it reaches the level: only that unit reads it.

use std::ops::RangeInclusive;

use super::{fill_ghost_row_with, mirror_cell, CellCoefficients, GhostRule};
use crate::error::KernelError;

/// Sides in the order of a layout's `sides`.
pub const LEFT: usize = 0;
pub const RIGHT: usize = 1;
pub const BOTTOM: usize = 2;
pub const TOP: usize = 3;
pub const BACK: usize = 4;
pub const FRONT: usize = 5;

/// One side's data in a slot, from `offset`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TimedSide {
  /// The values of the side's nodes (one face).
  Dirichlet { offset: usize },
  /// Each ghost cell's b, then its c (two faces); `a` and whether the boundary node is read are the
  /// side's rule.
  Mirror { offset: usize, a: f64, reads: bool },
}

/// Which sides are in the ring, where in a slot, and the grid's shape.
#[derive(Clone, Debug, PartialEq)]
pub struct TimedLayout {
  pub sides: [Option<TimedSide>; 6],
  pub slot_len: usize,
  pub slots: usize,
  pub nx: usize,
  pub ny: usize,
  /// Node planes; 0 on a 2D grid (which has no z halo).
  pub nz: usize,
}

impl TimedLayout {
  /// Padded planes along z: 1 on a 2D grid.
  fn planes(&self) -> usize {
    if self.nz == 0 {
      1
    } else {
      self.nz + 2
    }
  }

  /// Values in one face of `side`.
  #[must_use]
  pub fn face_len(&self, side: usize) -> usize {
    match side {
      LEFT | RIGHT => (self.ny + 2) * self.planes(),
      BOTTOM | TOP => (self.nx + 2) * self.planes(),
      _ => (self.nx + 2) * (self.ny + 2),
    }
  }

  /// Units of the padded field: rows (2D) or planes (3D).
  fn units(&self) -> usize {
    if self.nz == 0 {
      self.ny + 2
    } else {
      self.nz + 2
    }
  }

  /// Checks that every side's faces lie inside a slot, that the shape is the field's (`len` values,
  /// rows of nx + 2, and a plane's ny when `plane_ny` is given: a 3D stencil) and that the ring holds
  /// `slots` slots.
  ///
  /// # Errors
  /// [`KernelError::Argument`] naming what does not fit.
  pub fn validate(&self, nx: usize, plane_ny: Option<usize>, len: usize, ring: usize) -> Result<(), KernelError> {
    let fail = |expected: &'static str, actual: String| Err(KernelError::Argument { what: "timed", expected, actual });
    let three_d = self.nz > 0;
    let field = (self.nx + 2).checked_mul(self.ny + 2).and_then(|n| n.checked_mul(self.planes()));
    if self.nx != nx || plane_ny.is_some() != three_d || plane_ny.is_some_and(|ny| ny != self.ny) || field != Some(len)
    {
      return fail("the field's shape", format!("{}x{}x{} for {len} values, nx {nx}", self.nx, self.ny, self.nz));
    }
    // An empty slot would make an empty ring, whose address a slice may not be formed from.
    if self.slots == 0 || self.slot_len == 0 || self.slots.checked_mul(self.slot_len) != Some(ring) {
      return fail("slots of slotLength values", format!("{} x {} for {ring} values", self.slots, self.slot_len));
    }
    for (side, data) in self.sides.iter().enumerate() {
      let (offset, faces) = match *data {
        None => continue,
        Some(TimedSide::Dirichlet { offset }) => (offset, 1),
        Some(TimedSide::Mirror { offset, a, .. }) if a.is_finite() => (offset, 2),
        Some(TimedSide::Mirror { a, .. }) => return fail("a finite a", a.to_string()),
      };
      let end = self.face_len(side).checked_mul(faces).and_then(|n| n.checked_add(offset));
      if side >= BACK && !three_d || end.is_none_or(|end| end > self.slot_len) {
        return fail("sides inside a slot (back and front in 3D only)", format!("side {side} at {offset}"));
      }
    }
    Ok(())
  }
}

/// One step's slot of the ring.
#[derive(Clone, Copy)]
pub struct Level<'a> {
  layout: &'a TimedLayout,
  slot: &'a [f64],
}

impl<'a> Level<'a> {
  /// `slot` must be `layout.slot_len` values of a validated layout.
  #[must_use]
  pub fn new(layout: &'a TimedLayout, slot: &'a [f64]) -> Self {
    Self { layout, slot }
  }

  fn face(&self, side: usize, offset: usize, which: usize) -> &'a [f64] {
    let len = self.layout.face_len(side);
    &self.slot[offset + which * len..offset + (which + 1) * len]
  }

  fn dirichlet(&self, side: usize) -> Option<&'a [f64]> {
    match self.layout.sides[side] {
      Some(TimedSide::Dirichlet { offset }) => Some(self.face(side, offset, 0)),
      _ => None,
    }
  }

  /// A mirror side's rule (its `a`, and b ≠ 0 when it reads the boundary node) and cells.
  fn mirror(&self, side: usize) -> Option<(GhostRule, CellCoefficients<'a>)> {
    match self.layout.sides[side] {
      Some(TimedSide::Mirror { offset, a, reads }) => {
        let rule = GhostRule::Mirror { a, b: if reads { 1.0 } else { 0.0 }, c: 0.0 };
        Some((rule, CellCoefficients { b: self.face(side, offset, 0), c: self.face(side, offset, 1) }))
      }
      _ => None,
    }
  }

  /// Writes the Dirichlet nodes within padded unit `u` (`unit` is its nx + 2 or (nx + 2)(ny + 2) values).
  pub fn prepare_unit(&self, unit: &mut [f64], u: usize) {
    let TimedLayout { nx, ny, nz, .. } = *self.layout;
    let row = nx + 2;
    // The unit's node rows (padded; the row itself in 2D) and the x faces' index of each.
    let rows = if nz == 0 { 0..=0 } else { 1..=ny };
    let at = |j: usize| if nz == 0 { u } else { j + (ny + 2) * u };
    for (side, column) in [(LEFT, 1), (RIGHT, nx)] {
      if let Some(values) = self.dirichlet(side) {
        for j in rows.clone() {
          unit[j * row + column] = values[at(j)];
        }
      }
    }
    if nz == 0 {
      return;
    }
    for (side, j) in [(BOTTOM, 1), (TOP, ny)] {
      if let Some(values) = self.dirichlet(side) {
        unit[j * row + 1..=j * row + nx].copy_from_slice(&values[u * row + 1..=u * row + nx]);
      }
    }
  }

  /// Recomputes the mirror ghost cells within padded unit `u` after the kernel: the ghost columns of
  /// padded rows `rows` (in 2D the unit is one row and `rows` is ignored), then in 3D the ghost rows.
  pub fn finish_unit(&self, unit: &mut [f64], u: usize, rows: RangeInclusive<usize>) {
    let TimedLayout { nx, ny, nz, .. } = *self.layout;
    let row = nx + 2;
    let rows = if nz == 0 { 0..=0 } else { rows };
    let at = |j: usize| if nz == 0 { u } else { j + (ny + 2) * u };
    if let Some((GhostRule::Mirror { a, b, .. }, cells)) = self.mirror(LEFT) {
      for j in rows.clone() {
        let (o, f) = (j * row, at(j));
        unit[o] = mirror_cell(a, b != 0.0, cells.b[f], cells.c[f], unit[o + 2], unit[o + 1]);
      }
    }
    if let Some((GhostRule::Mirror { a, b, .. }, cells)) = self.mirror(RIGHT) {
      for j in rows {
        let (o, f) = (j * row, at(j));
        unit[o + nx + 1] = mirror_cell(a, b != 0.0, cells.b[f], cells.c[f], unit[o + nx - 1], unit[o + nx]);
      }
    }
    if nz == 0 {
      return;
    }
    let own = |cells: CellCoefficients<'a>| CellCoefficients {
      b: &cells.b[u * row..(u + 1) * row],
      c: &cells.c[u * row..(u + 1) * row],
    };
    if let Some((rule, cells)) = self.mirror(BOTTOM) {
      let (ghost, nodes) = unit.split_at_mut(row);
      fill_ghost_row_with(ghost, &nodes[row..2 * row], &nodes[..row], rule, own(cells));
    }
    if let Some((rule, cells)) = self.mirror(TOP) {
      let (nodes, ghost) = unit.split_at_mut((ny + 1) * row);
      fill_ghost_row_with(&mut ghost[..row], &nodes[(ny - 1) * row..ny * row], &nodes[ny * row..], rule, own(cells));
    }
  }

  /// The cells of a ghost row refreshed by the run loop: padded unit `target` is the ghost unit below
  /// (0) or above (the last) the field, across y in 2D and z in 3D; None if that side is not a mirror in
  /// the ring.
  #[must_use]
  pub fn job_cells(&self, target: usize) -> Option<CellCoefficients<'a>> {
    let (low, high) = if self.layout.nz == 0 { (BOTTOM, TOP) } else { (BACK, FRONT) };
    let side = match target {
      0 => low,
      t if t + 1 == self.layout.units() => high,
      _ => return None,
    };
    self.mirror(side).map(|(_, cells)| cells)
  }

  /// The Dirichlet units to write when padded unit `u` reaches the level: (their padded unit, their face).
  #[must_use]
  pub fn boundary_units(&self, u: usize) -> [Option<(usize, &'a [f64])>; 2] {
    let (low, high) = if self.layout.nz == 0 { (BOTTOM, TOP) } else { (BACK, FRONT) };
    let last = self.layout.units() - 2;
    [
      self.dirichlet(low).filter(|_| u == 2).map(|face| (1, face)),
      self.dirichlet(high).filter(|_| u + 1 == last).map(|face| (last, face)),
    ]
  }

  /// Writes the nodes of a Dirichlet unit (`unit`, padded) from its `face`.
  pub fn write_boundary_unit(&self, unit: &mut [f64], face: &[f64]) {
    let TimedLayout { nx, ny, nz, .. } = *self.layout;
    let row = nx + 2;
    let rows = if nz == 0 { 0..=0 } else { 1..=ny };
    for j in rows {
      let span = j * row + 1..=j * row + nx;
      unit[span.clone()].copy_from_slice(&face[span]);
    }
  }
}

#[cfg(test)]
#[path = "timed_tests.rs"]
mod tests;
