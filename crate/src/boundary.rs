//! Ghost (halo) cells of the padded field: how each side's boundary condition is imposed.
//!
//! The field is stored with a one-cell halo: node (i, j) lives at padded index (j + 1)·(nx + 2) + (i + 1).
//! A Dirichlet side needs no ghost: its boundary nodes hold their value in both buffers and are never
//! updated. A Neumann side mirrors the node one inside the boundary, less 2·h·q/α, which is the central
//! difference of the given outward flux q = −α ∂u/∂n. A periodic axis copies the opposite side's nodes.

/// How one side's ghost cells are refreshed from the nodes of the field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ghost {
  /// Dirichlet: nothing reads this ghost.
  Unused,
  /// Neumann: ghost = (node one step inside) − `offset`, with `offset` = 2·h·q/α.
  Mirror { offset: f64 },
  /// Periodic: ghost = the node on the opposite side.
  Wrap,
}

impl Ghost {
  /// Decodes the binding's (kind, offset) pair: 0 unused, 1 mirror, 2 wrap.
  #[must_use]
  pub fn from_code(kind: u32, offset: f64) -> Option<Self> {
    match kind {
      0 => Some(Ghost::Unused),
      1 if offset.is_finite() => Some(Ghost::Mirror { offset }),
      2 => Some(Ghost::Wrap),
      _ => None,
    }
  }
}

/// Refreshes the left and right ghost cells of one padded row (length nx + 2) from its own nodes.
#[inline]
pub fn fill_ghost_columns(row: &mut [f64], nx: usize, left: Ghost, right: Ghost) {
  match left {
    Ghost::Unused => {}
    Ghost::Mirror { offset } => row[0] = row[2] - offset,
    Ghost::Wrap => row[0] = row[nx],
  }
  match right {
    Ghost::Unused => {}
    Ghost::Mirror { offset } => row[nx + 1] = row[nx - 1] - offset,
    Ghost::Wrap => row[nx + 1] = row[1],
  }
}

/// Writes a ghost row (padded, length nx + 2) from the node row it mirrors or wraps to:
/// target\[k\] = from\[k\] − offset for the node columns k = 1…nx (offset 0 for a periodic copy).
/// The corner cells are left alone: the 5-point stencil never reads them.
pub fn fill_ghost_row(target: &mut [f64], from: &[f64], offset: f64) {
  let nodes = target.len().saturating_sub(2);
  for (t, f) in target[1..=nodes].iter_mut().zip(&from[1..=nodes]) {
    *t = f - offset;
  }
}
