//! The N-API surface of the 3D line solves: `PlaneLineKernel` (a Douglas–Gunn step's factored line
//! systems, checked once per run) and `NativePlaneLines` (a worker's planes and rows; `run` does the steps).

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::band::{run_views, NapiOutcome};
use super::invalid;
use super::lines::{axis, NapiLineAxis};
use super::raw::{RawF64Array, RawI32Array};
use super::stencil::NapiGhostRule;
use crate::error::KernelError;
use crate::schedule::dg::{run_plane_lines, scratch_len, PlaneRun};
use crate::stencil::plane_lines::PlaneLines;
use crate::sync::Control;

/// A Douglas–Gunn step of dt on a 3D grid (see lib/backends/lines3d.ts).
#[napi(object)]
pub struct NapiPlaneLines {
  pub nx: u32,
  pub ny: u32,
  pub nz: u32,
  /// The weight of the source in the x-lines.
  pub dt: f64,
  /// The conservative operator over the faces buffer (a varying α): the axes' factors are then empty.
  /// Absent means false.
  pub variable: Option<bool>,
  pub x: NapiLineAxis,
  pub y: NapiLineAxis,
  pub z: NapiLineAxis,
  pub left: NapiGhostRule,
  pub right: NapiGhostRule,
  pub bottom: NapiGhostRule,
  pub top: NapiGhostRule,
  pub back: NapiGhostRule,
  pub front: NapiGhostRule,
}

/// A step's line systems, checked once and reused for every step of a run.
#[napi]
pub struct PlaneLineKernel {
  lines: PlaneLines,
}

#[napi]
impl PlaneLineKernel {
  /// Checks the systems: shapes, lengths, finite coefficients and rules. Throws otherwise.
  #[napi(constructor)]
  pub fn new(spec: NapiPlaneLines) -> Result<Self> {
    let lines = PlaneLines {
      nx: spec.nx as usize,
      ny: spec.ny as usize,
      nz: spec.nz as usize,
      dt: spec.dt,
      variable: spec.variable == Some(true),
      left: spec.left.to_rule("left")?,
      right: spec.right.to_rule("right")?,
      bottom: spec.bottom.to_rule("bottom")?,
      top: spec.top.to_rule("top")?,
      back: spec.back.to_rule("back")?,
      front: spec.front.to_rule("front")?,
      x: axis(spec.x),
      y: axis(spec.y),
      z: axis(spec.z),
    };
    lines.validate()?;
    Ok(Self { lines })
  }
}

/// One worker's share of a Douglas–Gunn run.
#[napi(object)]
pub struct NapiPlaneLinesBand {
  /// Node planes [start, end) of the x- and y-lines.
  pub start: u32,
  pub end: u32,
  /// Node rows [rowStart, rowEnd) of the z-lines (may be empty).
  pub row_start: u32,
  pub row_end: u32,
  /// Workers meeting at the barrier, this one included (1 to 65536).
  pub parties: u32,
}

/// A worker's planes and rows, and its scratch plane; `run` does the steps.
#[napi]
pub struct NativePlaneLines {
  planes: (usize, usize),
  rows: (usize, usize),
  parties: i32,
  scratch: Vec<f64>,
}

#[napi]
#[expect(
  clippy::too_many_arguments,
  reason = "`run` has the JS signature the binding fixes: six views, the kernel and two counts, and `self`"
)]
impl NativePlaneLines {
  /// Checks parties 1 to 65536, start < end and rowStart <= rowEnd. Throws otherwise.
  #[napi(constructor)]
  pub fn new(spec: NapiPlaneLinesBand) -> Result<Self> {
    let parties = i32::try_from(spec.parties).ok().filter(|p| (1..=1 << 16).contains(p));
    let parties = parties.ok_or_else(|| invalid(format!("parties must be 1 to 65536, got {}", spec.parties)))?;
    if spec.start >= spec.end || spec.row_start > spec.row_end {
      let actual = format!("planes {}..{}, rows {}..{}", spec.start, spec.end, spec.row_start, spec.row_end);
      return Err(KernelError::Argument { what: "band", expected: "start < end, rowStart <= rowEnd", actual }.into());
    }
    let planes = (spec.start as usize, spec.end as usize);
    Ok(Self { planes, rows: (spec.row_start as usize, spec.row_end as usize), parties, scratch: Vec::new() })
  }

  /// Up to `steps` Douglas–Gunn steps from field `parity` (the buffers swap every step), meeting the
  /// peers at the barrier in `control` twice a step. Stops early, with every peer at the same step, on
  /// a stop request or a non-finite value, and promptly once the barrier is abandoned. `faces` is
  /// empty, or the five padded arrays of model/faces.ts (required by a kernel with `variable`); `weights` is
  /// empty, or dt/2·g(t_{n+1/2}) for each step (the source weighs twice that). Throws, before
  /// touching anything, if any view, index or length does not fit.
  #[napi(
    ts_args_type = "fieldA: Float64Array, fieldB: Float64Array, source: Float64Array, faces: Float64Array, weights: Float64Array, control: Int32Array, kernel: PlaneLineKernel, steps: number, parity: number"
  )]
  pub fn run(
    &mut self,
    field_a: RawF64Array,
    field_b: RawF64Array,
    source: &[f64],
    faces: &[f64],
    weights: &[f64],
    control: RawI32Array,
    kernel: &PlaneLineKernel,
    steps: u32,
    parity: u32,
  ) -> Result<NapiOutcome> {
    let views = run_views(field_a, field_b, source, faces, weights, control)?;
    let control = Control::new(views.slots).ok_or_else(|| invalid("control block too small".to_owned()))?;
    let lines = &kernel.lines;
    if self.scratch.len() < scratch_len(lines) {
      // Once per worker and shape, never per step.
      self.scratch = vec![0.0; scratch_len(lines)];
    }
    let (planes, rows, parties) = (self.planes, self.rows, self.parties);
    let (fields, source, faces, weights) = (&views.fields, views.source, views.faces, views.weights);
    let run = PlaneRun { fields, source, weights, faces, control: &control, planes, rows, parties, lines };
    // SAFETY: `run_views` checked the two fields are distinct, equally long and disjoint from the
    // source; they are SharedArrayBuffer views kept alive by the caller for the call; the solver gives
    // every worker of the run disjoint planes and rows of the same fields and control block.
    let outcome = unsafe { run_plane_lines(&run, &mut self.scratch, steps as usize, parity as usize) }?;
    Ok(NapiOutcome { steps: outcome.steps as u32, abandoned: outcome.abandoned, lost: outcome.lost })
  }
}
