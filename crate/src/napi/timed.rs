//! The ring of side data of t as JS describes it to a `NativeBand` (see boundary/timed.rs): its layout,
//! given once, and the ring itself, taken raw at each run (the main thread fills other slots meanwhile).

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::raw::{RawF64Array, RawI32Array};
use super::stencil::NapiGhostRule;
use super::{invalid, overlaps, span};
use crate::boundary::timed::{TimedLayout, TimedSide};
use crate::grid::SharedFields;
use crate::schedule::Timed;

/// One side in the ring: where its faces start in a slot, and for a mirror side its rule (its `a`, and
/// b ≠ 0 when it reads the boundary node; each cell's b and c are in the slot). Without `mirror`, a
/// Dirichlet side: the slot holds its nodes' values.
#[napi(object)]
pub struct NapiTimedSide {
  /// 0 left, 1 right, 2 bottom, 3 top, 4 back, 5 front.
  pub side: u32,
  pub offset: u32,
  pub mirror: Option<NapiGhostRule>,
}

/// The ring's layout: `slots` slots of `slotLength` values, for a grid of nx × ny (× nz; nz = 0 in 2D).
#[napi(object)]
pub struct NapiTimedLayout {
  pub sides: Vec<NapiTimedSide>,
  pub slot_length: u32,
  pub slots: u32,
  pub nx: u32,
  pub ny: u32,
  pub nz: u32,
}

/// The checked layout (its fit to the field is checked at each run, with the field).
pub(super) fn layout(spec: &NapiTimedLayout) -> Result<TimedLayout> {
  let mut sides = [None; 6];
  for s in &spec.sides {
    let slot =
      sides.get_mut(s.side as usize).ok_or_else(|| invalid(format!("timed side must be 0 to 5, got {}", s.side)))?;
    if slot.is_some() {
      return Err(invalid(format!("timed side {} is given twice", s.side)));
    }
    let offset = s.offset as usize;
    *slot = Some(match &s.mirror {
      None => TimedSide::Dirichlet { offset },
      Some(rule) => match rule.to_rule("timed mirror rule")? {
        crate::boundary::GhostRule::Mirror { a, b, .. } => TimedSide::Mirror { offset, a, reads: b != 0.0 },
        _ => return Err(invalid(format!("timed side {} must be a mirror or Dirichlet", s.side))),
      },
    });
  }
  let (slot_len, slots) = (spec.slot_length as usize, spec.slots as usize);
  Ok(TimedLayout { sides, slot_len, slots, nx: spec.nx as usize, ny: spec.ny as usize, nz: spec.nz as usize })
}

/// The run's ring, or None without a layout; the ring must be given exactly when there is a layout, and
/// share no memory with the fields or the control block.
pub(super) fn ring<'a>(
  layout: Option<&'a TimedLayout>,
  ring: RawF64Array,
  slot0: u32,
  fields: &SharedFields,
  control: RawI32Array,
) -> Result<Option<Timed<'a>>> {
  let Some(layout) = layout else {
    return if ring.len == 0 {
      Ok(None)
    } else {
      Err(invalid("timed ring given to a band without a layout".to_owned()))
    };
  };
  let r = span(ring.ptr, ring.len);
  let written =
    [span(fields.buffers[0], fields.len), span(fields.buffers[1], fields.len), span(control.ptr, control.len)];
  if written.iter().any(|w| overlaps(&r, w)) {
    return Err(invalid("timed ring must not share memory with the fields or the control block".to_owned()));
  }
  Ok(Some(Timed { layout, ring: ring.ptr, len: ring.len, slot0: slot0 as usize }))
}
