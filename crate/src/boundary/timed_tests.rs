#![expect(clippy::float_cmp, reason = "values are copied or computed in one fixed order: the same bits are expected")]

use super::*;

/// A 2D layout of nx × ny: left Dirichlet at 0, right a Neumann-like mirror, bottom a Robin-like mirror
/// (reads its boundary node), top Dirichlet.
fn layout_2d(nx: usize, ny: usize) -> TimedLayout {
  let (x, y) = (ny + 2, nx + 2);
  let mut sides = [None; 6];
  sides[LEFT] = Some(TimedSide::Dirichlet { offset: 0 });
  sides[RIGHT] = Some(TimedSide::Mirror { offset: x, a: 1.0, reads: false });
  sides[BOTTOM] = Some(TimedSide::Mirror { offset: 3 * x, a: 1.0, reads: true });
  sides[TOP] = Some(TimedSide::Dirichlet { offset: 3 * x + 2 * y });
  TimedLayout { sides, slot_len: 3 * x + 3 * y, slots: 2, nx, ny, nz: 0 }
}

/// Slot values that say where they are: 1000·(value number) + index.
fn slot_of(layout: &TimedLayout) -> Vec<f64> {
  (0..layout.slot_len).map(|k| 1000.0 + k as f64).collect()
}

/// Test that a 2D row gets its Dirichlet node before the kernel and its mirror ghost after it, from its own face index.
#[test]
fn a_row_takes_its_dirichlet_node_and_ghost_from_the_slot() {
  let layout = layout_2d(4, 3);
  layout.validate(4, None, 6 * 5, 2 * layout.slot_len).expect("a layout that fits");
  let slot = slot_of(&layout);
  let level = Level::new(&layout, &slot);
  let mut row = vec![0.5; 6];
  level.prepare_unit(&mut row, 2);
  assert_eq!(row[1], slot[2], "the left node of padded row 2 is the left face's index 2");
  row[3] = 7.0;
  level.finish_unit(&mut row, 2, 0..=0);
  // right ghost = 1·row[nx − 1] + c (b not read), c from the right face's second half.
  let (b, c) = (slot[5 + 2], slot[5 + 5 + 2]);
  assert_eq!(row[5], 1.0 * row[3] + c, "b = {b} is not read by a mirror that does not read its boundary node");
  assert_eq!(row[0], 0.5, "the left side is Dirichlet: its ghost is left alone");
}

/// Test that the ghost rows and Dirichlet rows of 2D take the y faces, tied to the right units.
#[test]
fn ghost_rows_and_dirichlet_rows_take_the_y_faces() {
  let layout = layout_2d(4, 3);
  let slot = slot_of(&layout);
  let level = Level::new(&layout, &slot);
  let cells = level.job_cells(0).expect("the bottom is a mirror in the ring");
  assert_eq!(cells.b[1], slot[15 + 1]);
  assert_eq!(cells.c[1], slot[15 + 6 + 1]);
  assert!(level.job_cells(4).is_none(), "the top is Dirichlet: no ghost cells");
  assert!(level.job_cells(2).is_none(), "an inner row is no ghost row");
  // Units: 5 padded rows; the top Dirichlet row is padded row 3, written when row 2 reaches the level.
  let [low, high] = level.boundary_units(2);
  assert!(low.is_none(), "the bottom is no Dirichlet side");
  let (target, face) = high.expect("row 2 is just inside the top");
  assert_eq!(target, 3);
  let mut unit = vec![-1.0; 6];
  level.write_boundary_unit(&mut unit, face);
  assert_eq!(unit, [-1.0, slot[27 + 1], slot[27 + 2], slot[27 + 3], slot[27 + 4], -1.0]);
  assert_eq!(level.boundary_units(1), [None, None]);
}

/// Test that a 3D plane gets its x nodes on every row, its y Dirichlet rows, and its mirror ghost rows.
#[test]
fn a_plane_takes_its_nodes_and_in_plane_ghosts() {
  let (nx, ny, nz) = (3, 3, 3);
  let (x, y, z) = ((ny + 2) * (nz + 2), (nx + 2) * (nz + 2), (nx + 2) * (ny + 2));
  let mut sides = [None; 6];
  sides[LEFT] = Some(TimedSide::Dirichlet { offset: 0 });
  sides[BOTTOM] = Some(TimedSide::Mirror { offset: x, a: 2.0, reads: false });
  sides[TOP] = Some(TimedSide::Dirichlet { offset: x + 2 * y });
  sides[FRONT] = Some(TimedSide::Mirror { offset: x + 3 * y, a: 1.0, reads: false });
  let layout = TimedLayout { sides, slot_len: x + 3 * y + 2 * z, slots: 1, nx, ny, nz };
  layout.validate(nx, Some(ny), z * (nz + 2), layout.slot_len).expect("fits");
  let slot = slot_of(&layout);
  let level = Level::new(&layout, &slot);
  let (row, k) = (nx + 2, 2);
  let mut plane = vec![0.25; z];
  level.prepare_unit(&mut plane, k);
  // The top row is Dirichlet too: its y face, where the two sides meet, holds the same edge value.
  for j in 1..ny {
    assert_eq!(plane[j * row + 1], slot[j + (ny + 2) * k], "left node of row {j}");
  }
  let top = x + 2 * y;
  assert_eq!(plane[ny * row + 1..=ny * row + nx], slot[top + k * row + 1..=top + k * row + nx]);
  level.finish_unit(&mut plane, k, 1..=ny - 1);
  for i in 1..=nx {
    let c = slot[x + y + k * row + i];
    assert_eq!(plane[i], 2.0 * plane[2 * row + i] + c, "bottom ghost of column {i}");
  }
  assert!(
    level.job_cells(nz + 1).is_some() && level.job_cells(0).is_none(),
    "front is a mirror, back is not in the ring"
  );
}

/// Test that layouts which do not fit the field or the slot are refused, naming what does not fit.
#[test]
fn layouts_that_do_not_fit_are_refused() {
  let good = layout_2d(4, 3);
  let cases = [
    (TimedLayout { nx: 5, ..good.clone() }, "the field's shape"),
    (TimedLayout { slot_len: good.slot_len - 1, ..good.clone() }, "sides inside a slot"),
    (TimedLayout { slots: 0, ..good.clone() }, "slots of slotLength"),
    (TimedLayout { sides: [None; 6], slot_len: 0, ..good.clone() }, "slots of slotLength"),
  ];
  for (bad, says) in cases {
    let error = bad.validate(4, None, 30, bad.slots * bad.slot_len + usize::from(bad.slots == 0)).expect_err(says);
    assert!(error.to_string().contains(says), "{error}");
  }
  let mut back = good.clone();
  back.sides[BACK] = Some(TimedSide::Dirichlet { offset: 0 });
  let error = back.validate(4, None, 30, 2 * back.slot_len).expect_err("no back side in 2D");
  assert!(error.to_string().contains("back and front in 3D only"), "{error}");
  let error = good.validate(4, Some(3), 30, 2 * good.slot_len).expect_err("a 2D layout for a 3D stencil");
  assert!(error.to_string().contains("the field's shape"), "{error}");
}
