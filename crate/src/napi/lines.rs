//! The N-API surface of the ADI line solves: `LineKernel` (a Peaceman–Rachford step's factored line
//! systems, checked once per run) and `NativeLines` (a worker's rows and columns; `run` does the steps).

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::band::{run_views, NapiOutcome};
use super::invalid;
use super::raw::{RawF64Array, RawI32Array};
use super::stencil::NapiGhostRule;
use crate::error::KernelError;
use crate::schedule::adi::{run_lines, LineRun};
use crate::stencil::lines::{Cyclic, LineAxis, LineEnd, Lines};
use crate::stencil::lines_variable::{scratch_len, STRIP_WIDTH};
use crate::sync::Control;

/// What bounds a line at one end.
#[napi(object)]
pub struct NapiLineEnd {
  /// The neighbour is a fixed node, whose value (times h) joins the right-hand side.
  pub fixed: bool,
  /// Otherwise added to the right-hand side: h·c of the end's mirror rule, 0 for a wrap.
  pub term: f64,
}

/// Sherman–Morrison's correction of a periodic axis.
#[napi(object)]
pub struct NapiCyclic {
  pub z: Vec<f64>,
  pub q: f64,
  pub scale: f64,
}

/// One axis's factored line system (see lib/backends/lines.ts).
#[napi(object)]
pub struct NapiLineAxis {
  /// First unknown's node index along the axis.
  pub first: u32,
  /// Unknowns per line.
  pub count: u32,
  /// h = α·dt/(2·spacing²).
  pub half: f64,
  pub lower: Vec<f64>,
  pub inv: Vec<f64>,
  pub upper: Vec<f64>,
  pub low: NapiLineEnd,
  pub high: NapiLineEnd,
  /// Periodic axes only (absent otherwise).
  pub cyclic: Option<NapiCyclic>,
}

/// A Peaceman–Rachford step of dt.
#[napi(object)]
pub struct NapiLines {
  pub nx: u32,
  pub ny: u32,
  /// dt/2.
  pub half_dt: f64,
  /// The conservative operator over the faces buffer (a variable α, or mirror sides with data varying
  /// along the side): the axes' factors are then empty. Absent means false.
  pub variable: Option<bool>,
  pub x: NapiLineAxis,
  pub y: NapiLineAxis,
  pub left: NapiGhostRule,
  pub right: NapiGhostRule,
  pub bottom: NapiGhostRule,
  pub top: NapiGhostRule,
}

pub(super) fn axis(a: NapiLineAxis) -> LineAxis {
  let end = |e: &NapiLineEnd| LineEnd { fixed: e.fixed, term: e.term };
  LineAxis {
    first: a.first as usize,
    count: a.count as usize,
    half: a.half,
    low: end(&a.low),
    high: end(&a.high),
    lower: a.lower,
    inv: a.inv,
    upper: a.upper,
    cyclic: a.cyclic.map(|c| Cyclic { z: c.z, q: c.q, scale: c.scale }),
  }
}

/// A step's line systems, checked once and reused for every step of a run.
#[napi]
pub struct LineKernel {
  lines: Lines,
}

#[napi]
impl LineKernel {
  /// Checks the systems: shapes, lengths, finite coefficients and rules. Throws otherwise.
  #[napi(constructor)]
  pub fn new(spec: NapiLines) -> Result<Self> {
    let lines = Lines {
      nx: spec.nx as usize,
      ny: spec.ny as usize,
      half_dt: spec.half_dt,
      variable: spec.variable == Some(true),
      left: spec.left.to_rule("left")?,
      right: spec.right.to_rule("right")?,
      bottom: spec.bottom.to_rule("bottom")?,
      top: spec.top.to_rule("top")?,
      x: axis(spec.x),
      y: axis(spec.y),
    };
    lines.validate()?;
    Ok(Self { lines })
  }
}

/// One worker's share of an ADI run.
#[napi(object)]
pub struct NapiLinesBand {
  /// Node rows [start, end) of the x-lines.
  pub start: u32,
  pub end: u32,
  /// Node columns [columnStart, columnEnd) of the y-lines (may be empty).
  pub column_start: u32,
  pub column_end: u32,
  /// Workers meeting at the barrier, this one included (1 to 65536).
  pub parties: u32,
}

/// A worker's rows and columns, and its scratch row; `run` does the steps.
#[napi]
pub struct NativeLines {
  rows: (usize, usize),
  columns: (usize, usize),
  parties: i32,
  scratch: Vec<f64>,
}

#[napi]
#[expect(
  clippy::too_many_arguments,
  reason = "`run` has the JS signature the binding fixes: six views, the kernel and two counts, and `self`"
)]
impl NativeLines {
  /// Checks parties 1 to 65536, start < end and columnStart <= columnEnd. Throws otherwise.
  #[napi(constructor)]
  pub fn new(spec: NapiLinesBand) -> Result<Self> {
    let parties = i32::try_from(spec.parties).ok().filter(|p| (1..=1 << 16).contains(p));
    let parties = parties.ok_or_else(|| invalid(format!("parties must be 1 to 65536, got {}", spec.parties)))?;
    if spec.start >= spec.end || spec.column_start > spec.column_end {
      let actual = format!("rows {}..{}, columns {}..{}", spec.start, spec.end, spec.column_start, spec.column_end);
      return Err(
        KernelError::Argument { what: "band", expected: "start < end, columnStart <= columnEnd", actual }.into(),
      );
    }
    let rows = (spec.start as usize, spec.end as usize);
    Ok(Self { rows, columns: (spec.column_start as usize, spec.column_end as usize), parties, scratch: Vec::new() })
  }

  /// Up to `steps` ADI steps from field `parity` (which also holds the result), meeting the peers at
  /// the barrier in `control` twice a step. Stops early, with every peer at the same step, on a stop
  /// request or a non-finite value, and promptly once the barrier is abandoned. `faces` is empty, or
  /// the four padded arrays of model/faces.ts (required by a kernel with `variable`); `weights` is
  /// empty, or the source's weight for each step (dt/2·g(t)). Throws, before touching anything, if
  /// any view, index or length does not fit.
  #[napi(
    ts_args_type = "fieldA: Float64Array, fieldB: Float64Array, source: Float64Array, faces: Float64Array, weights: Float64Array, control: Int32Array, kernel: LineKernel, steps: number, parity: number"
  )]
  pub fn run(
    &mut self,
    field_a: RawF64Array,
    field_b: RawF64Array,
    source: &[f64],
    faces: &[f64],
    weights: &[f64],
    control: RawI32Array,
    kernel: &LineKernel,
    steps: u32,
    parity: u32,
  ) -> Result<NapiOutcome> {
    let views = run_views(field_a, field_b, source, faces, weights, control)?;
    let control = Control::new(views.slots).ok_or_else(|| invalid("control block too small".to_owned()))?;
    let lines = &kernel.lines;
    let needed = if lines.variable { scratch_len(lines, STRIP_WIDTH) } else { lines.stride() };
    if self.scratch.len() < needed {
      // Once per worker and shape, never per step.
      self.scratch = vec![0.0; needed];
    }
    let (rows, columns, parties) = (self.rows, self.columns, self.parties);
    let (fields, source, faces, weights) = (&views.fields, views.source, views.faces, views.weights);
    let run = LineRun { fields, source, faces, weights, control: &control, rows, columns, parties, lines };
    // SAFETY: `run_views` checked the two fields are distinct, equally long and disjoint from the
    // source; they are SharedArrayBuffer views kept alive by the caller for the call; the solver gives
    // every worker of the run disjoint rows and columns of the same fields and control block.
    let outcome = unsafe { run_lines(&run, &mut self.scratch, steps as usize, parity as usize) }?;
    Ok(NapiOutcome { steps: outcome.steps as u32, abandoned: outcome.abandoned, lost: outcome.lost })
  }
}
