//! The N-API surface of a worker's native run: `NativeBand`, built once per worker from its band,
//! ghost rows and schedule; each `run` call takes the buffers anew (nothing is kept between calls).

use std::sync::atomic::AtomicI32;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::raw::{RawF64Array, RawI32Array};
use super::stencil::{NapiGhostRule, StencilKernel};
use super::timed::{self, NapiTimedLayout};
use super::{invalid, overlaps, span};
use crate::boundary::timed::TimedLayout;
use crate::boundary::GhostRow;
use crate::error::KernelError;
use crate::grid::{Band, SharedFields};
use crate::schedule::{self, Neighbours, Run, Schedule};
use crate::stencil::Faces;
use crate::sync::{self, Control};

/// A ghost row the worker refreshes after each step: `target` from the node rows `inside` and
/// `boundary` (padded row indices) by `rule`. For a wrap, `inside` is the opposite row.
#[napi(object)]
pub struct NapiGhostRow {
  /// The ghost row written.
  pub target: u32,
  /// The node row one inside the boundary (for a wrap, the opposite side's row).
  pub inside: u32,
  /// The boundary node row (read by a mirror only).
  pub boundary: u32,
  pub rule: NapiGhostRule,
}

/// How the steps are grouped between barriers.
#[napi(object)]
pub struct NapiSchedule {
  /// Steps per pass over memory: 1 for plain steps (one barrier each), k > 1 for temporal blocks
  /// (two barriers each; bands of at least 2k rows).
  pub k: u32,
  /// Rows (planes) a temporal block's wavefront advances per level at each front: 1 or more, absent
  /// means 1. It orders the updates, never changes their bits.
  pub tile: Option<u32>,
  /// Another band ends just below this band's start.
  pub below: bool,
  /// The end row of the band just above, if there is one.
  #[napi(ts_type = "number | null")]
  pub above_end: Option<Either<u32, Null>>,
}

/// One worker's share of a run.
#[napi(object)]
pub struct NapiBandSpec {
  /// Node rows [start, end).
  pub start: u32,
  pub end: u32,
  /// Workers meeting at the barrier, this one included (1 to 65536).
  pub parties: u32,
  /// The ghost rows this worker refreshes.
  pub ghost_rows: Vec<NapiGhostRow>,
  pub schedule: NapiSchedule,
  /// Store subnormal results as +0 (`flushSubnormals`); absent means false.
  pub flush_subnormals: Option<bool>,
  /// Side data of t: the layout of the ring each run is given (absent: none).
  pub timed: Option<NapiTimedLayout>,
}

/// How a native run ended.
#[napi(object)]
pub struct NapiOutcome {
  /// Steps completed, the same for every worker of the run.
  pub steps: u32,
  /// True if the barrier was abandoned (a peer failed, or the solver was closed).
  pub abandoned: bool,
  /// True if abandoned inside a temporal block: the fields hold mixed time levels.
  pub lost: bool,
}

/// A worker's band, ghost rows and schedule, checked once; `run` does the steps.
#[napi]
pub struct NativeBand {
  start: usize,
  end: usize,
  parties: i32,
  ghost_rows: Vec<GhostRow>,
  schedule: Schedule,
  flush_subnormals: bool,
  timed: Option<TimedLayout>,
}

fn ghost_row(row: &NapiGhostRow) -> std::result::Result<GhostRow, KernelError> {
  let rule = row.rule.to_rule("ghost row rule")?;
  Ok(GhostRow { target: row.target as usize, inside: row.inside as usize, boundary: row.boundary as usize, rule })
}

#[napi]
#[expect(
  clippy::too_many_arguments,
  reason = "`run` has the JS signature the binding fixes: seven views, the ring's first slot, the kernel and two counts"
)]
impl NativeBand {
  /// Checks what it can without the fields: parties 1 to 65536, start < end, finite ghost rules,
  /// k >= 1 (and bands of at least 2k rows for k > 1). Throws otherwise.
  #[napi(constructor)]
  pub fn new(spec: NapiBandSpec) -> Result<Self> {
    let parties = i32::try_from(spec.parties).ok().filter(|p| (1..=1 << 16).contains(p));
    let parties = parties.ok_or_else(|| invalid(format!("parties must be 1 to 65536, got {}", spec.parties)))?;
    let ghost_rows = spec.ghost_rows.iter().map(ghost_row).collect::<std::result::Result<Vec<_>, _>>()?;
    let above_end = match spec.schedule.above_end {
      Some(Either::A(end)) if end != 0 => Some(end as usize),
      _ => None,
    };
    let near = Neighbours { below: spec.schedule.below, above_end };
    let tile = spec.schedule.tile.unwrap_or(1) as usize;
    let schedule = Schedule::blocked(spec.schedule.k as usize, tile, near);
    let (start, end, flush_subnormals) = (spec.start as usize, spec.end as usize, spec.flush_subnormals == Some(true));
    let timed = spec.timed.as_ref().map(timed::layout).transpose()?;
    let band = Self { start, end, parties, ghost_rows, schedule, flush_subnormals, timed };
    band.band().validate_shape()?;
    if schedule.k == 0 {
      return Err(invalid("schedule.k must be at least 1, got 0".to_owned()));
    }
    if schedule.tile == 0 {
      return Err(invalid("schedule.tile must be at least 1, got 0".to_owned()));
    }
    Ok(band)
  }

  fn band(&self) -> Band<'_> {
    let Self { start, end, parties, flush_subnormals, .. } = *self;
    Band { start, end, parties, ghost_rows: &self.ghost_rows, flush_subnormals }
  }

  /// The worker's whole run in one call: up to `steps` steps of its band from field `parity` (0:
  /// `fieldA` is the source of the first step), meeting its peers at the barrier in `control` as the
  /// schedule says and refreshing its ghost rows. Stops early, with every peer at the same step, on
  /// a stop request or a non-finite value, and promptly once the barrier is abandoned. `faces` is
  /// empty for a constant diffusivity, or a variable one's four padded arrays (east faces, north
  /// faces, ghost b, ghost c; 4·fieldA.length values, 5· with the up faces of a 3D grid; never written during a run). `weights` is
  /// empty for a source constant in time, or one source weight dt·g(t) per step (read-only). `timed`
  /// is the ring of side data of t (empty without a layout), step s reading slot (slot0 + s) mod slots,
  /// which the caller must not write during the call. Throws,
  /// before touching anything, if any view, index or length does not fit, if the control block
  /// shares memory with a field or the source, or if it was made for another number of parties.
  #[napi(
    ts_args_type = "fieldA: Float64Array, fieldB: Float64Array, source: Float64Array, faces: Float64Array, weights: Float64Array, timed: Float64Array, slot0: number, control: Int32Array, kernel: StencilKernel, steps: number, parity: number"
  )]
  pub fn run(
    &self,
    field_a: RawF64Array,
    field_b: RawF64Array,
    source: &[f64],
    faces: &[f64],
    weights: &[f64],
    timed: RawF64Array,
    slot0: u32,
    control: RawI32Array,
    kernel: &StencilKernel,
    steps: u32,
    parity: u32,
  ) -> Result<NapiOutcome> {
    let views = run_views(field_a, field_b, source, faces, weights, control)?;
    let timed = timed::ring(self.timed.as_ref(), timed, slot0, &views.fields, control)?;
    let control = Control::new(views.slots).ok_or_else(|| invalid("control block too small".to_owned()))?;
    let band = self.band();
    let run = Run {
      fields: &views.fields,
      source: views.source,
      faces: views.faces,
      weights: views.weights,
      timed,
      control: &control,
      band: &band,
      stencil: &kernel.stencil,
      schedule: self.schedule,
    };
    // SAFETY: `run_views` checked the two fields are distinct, equally long and disjoint from the
    // source; they are SharedArrayBuffer views kept alive by the caller for the call; the solver gives
    // every worker of the run a disjoint band of the same fields and control block.
    let outcome = unsafe { schedule::run_band(&run, steps as usize, parity as usize) }?;
    Ok(NapiOutcome { steps: outcome.steps as u32, abandoned: outcome.abandoned, lost: outcome.lost })
  }
}

/// The checked views of one run: the fields, the source, the faces, the per-step weights (None when
/// empty) and the control block's slots.
pub(super) struct RunViews<'a> {
  pub fields: SharedFields,
  pub source: Option<&'a [f64]>,
  pub faces: Option<Faces<'a>>,
  pub weights: Option<&'a [f64]>,
  pub slots: &'a [AtomicI32],
}

/// Checks every view of a run before anything is touched: the fields are distinct and equally long, and
/// nothing the run only reads (source, faces, weights) shares memory with what it writes.
pub(super) fn run_views<'a>(
  field_a: RawF64Array,
  field_b: RawF64Array,
  source: &'a [f64],
  faces: &'a [f64],
  weights: &'a [f64],
  control: RawI32Array,
) -> Result<RunViews<'a>> {
  let fields = shared_fields(field_a, field_b, source)?;
  check_control(control, &fields, source)?;
  let faces = faces_of(faces, &fields, control)?;
  check_read_only("weights", weights, &fields, control)?;
  // SAFETY: the control block is a live Int32Array for this call, apart from the fields and the
  // source (checked); AtomicI32 has the size and alignment of i32, and every access to these
  // slots, here or in JS, is atomic.
  let slots = unsafe { std::slice::from_raw_parts(control.ptr.cast::<AtomicI32>(), control.len) };
  let present = |view: &'a [f64]| if view.is_empty() { None } else { Some(view) };
  Ok(RunViews { fields, source: present(source), faces, weights: present(weights), slots })
}

/// A variable diffusivity's four arrays (five in 3D), or None for an empty view; they must be 4·len (5·len) long and
/// share no memory with the fields (which are written during the run) or the control block.
pub(super) fn faces_of<'a>(faces: &'a [f64], fields: &SharedFields, control: RawI32Array) -> Result<Option<Faces<'a>>> {
  if faces.is_empty() {
    return Ok(None);
  }
  let split = Faces::split(faces, fields.len);
  let split = split.ok_or(KernelError::Length { what: "faces", expected: 4 * fields.len, actual: faces.len() })?;
  check_read_only("faces", faces, fields, control)?;
  Ok(Some(split))
}

/// A view only read during the run must share no memory with the fields or the control block.
pub(super) fn check_read_only(name: &str, view: &[f64], fields: &SharedFields, control: RawI32Array) -> Result<()> {
  let f = span(view.as_ptr(), view.len());
  let written =
    [span(fields.buffers[0], fields.len), span(fields.buffers[1], fields.len), span(control.ptr, control.len)];
  if written.iter().any(|w| overlaps(&f, w)) {
    return Err(invalid(format!("{name} must not share memory with the fields or the control block")));
  }
  Ok(())
}

/// The control block must be long enough and share no memory with the fields or the source.
pub(super) fn check_control(control: RawI32Array, fields: &SharedFields, source: &[f64]) -> Result<()> {
  if control.len < sync::SLOTS {
    return Err(KernelError::Length { what: "control", expected: sync::SLOTS, actual: control.len }.into());
  }
  let c = span(control.ptr, control.len);
  let views = [
    ("fieldA", span(fields.buffers[0], fields.len)),
    ("fieldB", span(fields.buffers[1], fields.len)),
    ("source", span(source.as_ptr(), source.len())),
  ];
  match views.iter().find(|(_, v)| overlaps(&c, v)) {
    Some((name, _)) => Err(invalid(format!("control overlaps {name}: views must not share memory"))),
    None => Ok(()),
  }
}

pub(super) fn shared_fields(a: RawF64Array, b: RawF64Array, source: &[f64]) -> Result<SharedFields> {
  let (ra, rb, rs) = (span(a.ptr, a.len), span(b.ptr, b.len), span(source.as_ptr(), source.len()));
  if a.len != b.len || a.len == 0 {
    return Err(KernelError::Length { what: "fieldB", expected: a.len, actual: b.len }.into());
  }
  if overlaps(&ra, &rb) || overlaps(&ra, &rs) || overlaps(&rb, &rs) {
    return Err(invalid("fieldA, fieldB and source must not share memory".to_owned()));
  }
  Ok(SharedFields { buffers: [a.ptr, b.ptr], len: a.len })
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::boundary::GhostRule;
  use crate::napi::stencil::NapiGhostKind;

  fn spec(parties: u32, start: u32, end: u32, k: u32, c: f64) -> NapiBandSpec {
    let rule = NapiGhostRule { kind: NapiGhostKind::Mirror, a: 1.0, b: 0.0, c };
    NapiBandSpec {
      start,
      end,
      parties,
      ghost_rows: vec![NapiGhostRow { target: 0, inside: 2, boundary: 1, rule }],
      schedule: NapiSchedule { k, tile: None, below: false, above_end: Some(Either::B(Null)) },
      flush_subnormals: None,
      timed: None,
    }
  }

  /// Test that the constructor checks what it can without the fields, naming what is wrong.
  #[test]
  fn native_band_refuses_what_it_can_see() {
    let band = NativeBand::new(spec(2, 0, 8, 1, -0.5)).expect("a good band");
    assert_eq!(band.ghost_rows[0].rule, GhostRule::Mirror { a: 1.0, b: 0.0, c: -0.5 });
    assert_eq!(band.schedule.near.above_end, None, "a null aboveEnd is no band above");
    for (bad, says) in [
      (spec(0, 0, 8, 1, 0.0), "parties must be 1 to 65536, got 0"),
      (spec(65_537, 0, 8, 1, 0.0), "parties must be 1 to 65536, got 65537"),
      (spec(1, 4, 4, 1, 0.0), "band must be start < end"),
      (spec(1, 0, 8, 0, 0.0), "schedule.k must be at least 1, got 0"),
      (spec(1, 0, 8, 1, f64::NAN), "ghost row rule must be a mirror with finite a, b and c"),
    ] {
      let error = NativeBand::new(bad).err().expect(says);
      assert!(error.reason.starts_with(says), "{}", error.reason);
    }
  }
}
