//! Ghost (halo) cells of the padded field: how each side's boundary condition is imposed.
//!
//! The field is stored with a one-cell halo: node (i, j) lives at padded index (j + 1)·(nx + 2) + (i + 1).
//! Every boundary kind reduces to one [`GhostRule`]. A Dirichlet side needs no ghost: its boundary
//! nodes hold their value in both buffers and are never updated. A Neumann side mirrors the node one
//! inside the boundary, less 2·h·q/α (the central difference of the outward flux q = −α ∂u/∂n):
//! a = 1, b = 0, c = −2·h·q/α. A Robin side will use b ≠ 0. A periodic axis copies the opposite side.
//!
//! Under a variable diffusivity the b and c of a mirror vary along the side (they divide by the α of
//! each boundary node's face): [`CellCoefficients`] then holds them per ghost cell, and the `_with`
//! variants below read them there. The rule's own `a` applies to every cell, and its `b` still says
//! whether the boundary node is read at all.

pub mod timed;

/// How one side's ghost cells are refreshed from the nodes of the field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GhostRule {
  /// Nothing reads this ghost (a Dirichlet side).
  None,
  /// ghost = a·u_inside + b·u_boundary + c, evaluated left to right without fused multiply-adds
  /// (the TypeScript kernel does the same, so both give the same bits). When b = 0 the boundary term
  /// is left out and its node is not read, so the ghost depends on the inside row alone.
  Mirror { a: f64, b: f64, c: f64 },
  /// ghost = the node on the opposite side (periodic), a plain copy.
  Wrap,
}

impl GhostRule {
  /// True if the rule can be evaluated: a Mirror needs finite a, b and c.
  #[must_use]
  pub fn is_valid(self) -> bool {
    match self {
      GhostRule::Mirror { a, b, c } => a.is_finite() && b.is_finite() && c.is_finite(),
      GhostRule::None | GhostRule::Wrap => true,
    }
  }
}

/// a·inside + b·boundary + c, in exactly that order; a·inside + c when b = 0.
#[inline]
fn mirror(a: f64, b: f64, c: f64, inside: f64, boundary: f64) -> f64 {
  if b == 0.0 {
    a * inside + c
  } else {
    a * inside + b * boundary + c
  }
}

/// Per-cell ghost coefficients: the b and c of each ghost cell at that cell's padded index, in two
/// arrays laid out like the field (only the halo cells are read). Given as row slices (nx + 2 values)
/// wherever a row of ghost cells is refreshed.
#[derive(Clone, Copy, Debug)]
pub struct CellCoefficients<'a> {
  pub b: &'a [f64],
  pub c: &'a [f64],
}

/// a·inside + b·boundary + c with a cell's own b and c; a·inside + c when the rule reads no boundary.
#[inline]
fn mirror_cell(a: f64, reads: bool, b: f64, c: f64, inside: f64, boundary: f64) -> f64 {
  if reads {
    a * inside + b * boundary + c
  } else {
    a * inside + c
  }
}

/// As [`fill_ghost_columns`], with each ghost cell's b and c from `cells` (rows of nx + 2 values
/// aligned with `row`).
#[inline]
pub fn fill_ghost_columns_with(row: &mut [f64], nx: usize, left: GhostRule, right: GhostRule, cells: CellCoefficients) {
  match left {
    GhostRule::Mirror { a, b, .. } => row[0] = mirror_cell(a, b != 0.0, cells.b[0], cells.c[0], row[2], row[1]),
    GhostRule::None | GhostRule::Wrap => fill_ghost_columns(row, nx, left, GhostRule::None),
  }
  match right {
    GhostRule::Mirror { a, b, .. } => {
      row[nx + 1] = mirror_cell(a, b != 0.0, cells.b[nx + 1], cells.c[nx + 1], row[nx - 1], row[nx]);
    }
    GhostRule::None | GhostRule::Wrap => fill_ghost_columns(row, nx, GhostRule::None, right),
  }
}

/// True for a Mirror with a boundary term (b ≠ 0): only such a rule reads the boundary node.
#[must_use]
pub fn reads_boundary(rule: GhostRule) -> bool {
  matches!(rule, GhostRule::Mirror { b, .. } if b != 0.0)
}

/// Refreshes the left and right ghost cells of one padded row (length nx + 2) from its own nodes:
/// node i is at index i + 1, so the left boundary node is row\[1\], the one inside it row\[2\].
#[inline]
pub fn fill_ghost_columns(row: &mut [f64], nx: usize, left: GhostRule, right: GhostRule) {
  match left {
    GhostRule::None => {}
    GhostRule::Mirror { a, b, c } => row[0] = mirror(a, b, c, row[2], row[1]),
    GhostRule::Wrap => row[0] = row[nx],
  }
  match right {
    GhostRule::None => {}
    GhostRule::Mirror { a, b, c } => row[nx + 1] = mirror(a, b, c, row[nx - 1], row[nx]),
    GhostRule::Wrap => row[nx + 1] = row[1],
  }
}

/// A ghost row to refresh after each step (padded row indices): `target` from the node rows
/// `inside` and `boundary` by `rule`. For a Wrap, `inside` is the opposite side's row and
/// `boundary` is ignored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GhostRow {
  pub target: usize,
  pub inside: usize,
  pub boundary: usize,
  pub rule: GhostRule,
}

impl GhostRow {
  /// True if the rule reads the `boundary` row (only a Mirror with b ≠ 0 does).
  #[must_use]
  pub fn reads_boundary(&self) -> bool {
    reads_boundary(self.rule)
  }

  /// True if the rule reads padded row `row`.
  #[must_use]
  pub fn reads(&self, row: usize) -> bool {
    self.reads_any(row..row + 1)
  }

  /// True if the rule reads any padded row of `rows`.
  #[must_use]
  pub fn reads_any(&self, rows: std::ops::Range<usize>) -> bool {
    match self.rule {
      GhostRule::None => false,
      GhostRule::Mirror { .. } => {
        rows.contains(&self.inside) || (self.reads_boundary() && rows.contains(&self.boundary))
      }
      GhostRule::Wrap => rows.contains(&self.inside),
    }
  }
}

/// Writes a ghost row (padded, length nx + 2) for the node columns k = 1…nx: Mirror:
/// target\[k\] = a·inside\[k\] + b·boundary\[k\] + c (a·inside\[k\] + c when b = 0); Wrap:
/// target\[k\] = inside\[k\] (`boundary` is ignored and may be empty); None: nothing. The corner cells are
/// left alone: the 5-point stencil never reads them. `inside` (and `boundary` when the rule reads it)
/// must be as long as `target`.
pub fn fill_ghost_row(target: &mut [f64], inside: &[f64], boundary: &[f64], rule: GhostRule) {
  let nodes = target.len().saturating_sub(2);
  let span = 1..=nodes;
  match rule {
    GhostRule::None => {}
    GhostRule::Mirror { a, c, .. } if !reads_boundary(rule) => {
      for (t, &u) in target[span.clone()].iter_mut().zip(&inside[span]) {
        *t = a * u + c;
      }
    }
    GhostRule::Mirror { a, b, c } => {
      let (inside, boundary) = (&inside[span.clone()], &boundary[span.clone()]);
      for ((t, &u), &v) in target[span].iter_mut().zip(inside).zip(boundary) {
        *t = mirror(a, b, c, u, v);
      }
    }
    GhostRule::Wrap => target[span.clone()].copy_from_slice(&inside[span]),
  }
}

/// As [`fill_ghost_row`], with each ghost cell's b and c from `cells` (rows as long as `target`).
pub fn fill_ghost_row_with(
  target: &mut [f64],
  inside: &[f64],
  boundary: &[f64],
  rule: GhostRule,
  cells: CellCoefficients,
) {
  let GhostRule::Mirror { a, .. } = rule else { return fill_ghost_row(target, inside, boundary, rule) };
  let nodes = target.len().saturating_sub(2);
  let span = 1..=nodes;
  let (b, c) = (&cells.b[span.clone()], &cells.c[span.clone()]);
  if reads_boundary(rule) {
    let (inside, boundary) = (&inside[span.clone()], &boundary[span.clone()]);
    for (k, t) in target[span].iter_mut().enumerate() {
      *t = mirror_cell(a, true, b[k], c[k], inside[k], boundary[k]);
    }
  } else {
    let inside = &inside[span.clone()];
    for (k, t) in target[span].iter_mut().enumerate() {
      *t = mirror_cell(a, false, b[k], c[k], inside[k], 0.0);
    }
  }
}
