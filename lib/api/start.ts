/**
 * Starting a solver's machinery for a validated problem: the shared fields (filled in place, halo
 * included), the source, the control block, the bands, the stepper's schedule and the gang of workers.
 */
import { evolvingNodes } from '../model/boundary/index.js'
import { type ConstantFill, fillConstantUnits, forgetDeferred, handOver } from '../model/constant.js'
import { computeFaces, faceViews, needsFaces, refreshVaryingGhosts } from '../model/faces.js'
import { allocateShared, fillHalo, ghostRows, packField } from '../model/field.js'
import { is3d, nodeCountOf, paddedLengthOf, unitCountOf, unitLengthOf } from '../model/grid.js'
import type { Problem } from '../options/problem.js'
import { createControlBlock } from '../parallel/control.js'
import { Gang, type Lockstep } from '../parallel/gang.js'
import { InlineGang } from '../parallel/inline.js'
import { type Band, partitionRows } from '../parallel/partition.js'
import type { WorkerInit } from '../parallel/protocol.js'
import type { Schedule } from '../steppers/schedule.js'
import { type Stepper, stepperFor } from '../steppers/stepper.js'
import { TimedData } from './timed.js'

export interface Started {
  readonly fields: [Float64Array, Float64Array]
  readonly gang: Lockstep
  readonly stepper: Stepper
  readonly schedule: Schedule
  readonly timed: TimedData
}

/**
 * Both halo-padded fields on SharedArrayBuffers. The first is the problem's padded initial field itself
 * (or, on resume or Solver.set(), that buffer overwritten with the saved nx·ny values), so no copy of the
 * field is made beyond the second buffer. That one is filled by the workers, each copying its band's rows
 * in parallel before it reports ready (WorkerInit.copyRows); here only the rows outside every band are copied.
 */
function allocateFields(
  problem: Problem,
  saved: Float64Array | undefined,
  bands: Band[],
  faces: Float64Array | null,
  t0: number,
): { fields: [Float64Array, Float64Array]; fill: ConstantFill | null } {
  const { grid, sides, ghosts } = problem
  const a = problem.initial
  // The buffer evolves from here on: a second solver of the same Problem would start from the wrong field.
  if (taken.has(a)) throw new Error('internal: a Problem can start only one solver (validate the options again)')
  taken.add(a)
  if (saved !== undefined) {
    forgetDeferred(a)
    packField(grid, saved, a)
  }
  const views = faces === null ? undefined : faceViews(faces, paddedLengthOf(grid))
  const [first, end] = [copyRowsOf(bands[0])[0], copyRowsOf(bands.at(-1)!)[1]]
  // A constant initial field is filled by the workers, each its own band; here only the units outside them.
  const fill = handOver(grid, sides, ghosts, a)
  if (fill === null) {
    fillHalo(grid, a, ghosts, views)
  } else {
    fillConstantUnits(fill, a, 1, first, views?.cells)
    fillConstantUnits(fill, a, end, unitCountOf(grid) + 1, views?.cells)
  }
  // Without faces, mirror sides whose data vary take their ghosts per cell here (and from the side ring after).
  if (views === undefined) refreshVaryingGhosts(grid, sides, ghosts, a, problem.diffusivity, t0)
  const b = allocateShared(grid)
  const unit = unitLengthOf(grid)
  b.set(a.subarray(0, first * unit))
  b.set(a.subarray(end * unit), end * unit)
  return { fields: [a, b], fill }
}

/** Initial fields that already became a solver's first buffer. */
const taken = new WeakSet<Float64Array>()

/** The padded units a band's worker copies into the second buffer: its node rows (planes), ghost cells included. */
const copyRowsOf = (band: Band) => [band.start + 1, band.end + 1] as const

/** The faces buffer, when α varies, or under Crank–Nicolson when mirror sides' data do (then uniform faces). */
function sharedFaces(problem: Problem, t: number): Float64Array | null {
  const { grid, sides, diffusivityField, diffusivity } = problem
  if (!needsFaces(diffusivityField, sides, problem.method)) return null
  const alpha = diffusivityField ?? new Float64Array(nodeCountOf(grid)).fill(diffusivity)
  return computeFaces(grid, sides, alpha, t)
}

/**
 * The evolving units (rows in 2D, planes in 3D) split into one band per worker (no more workers than
 * units). A ghost rule across the slowest axis that reads its boundary unit (Robin) is refreshed by the
 * worker owning both that unit and the one inside it, so then every band keeps at least 2 units.
 */
function bandsOf(problem: Problem): Band[] {
  const e = evolvingNodes(problem.grid, problem.sides)
  const [first, last] = is3d(problem.grid) ? [e.firstPlane, e.lastPlane] : [e.firstRow, e.lastRow]
  const units = last - first + 1
  const { bottom, top, back, front } = problem.ghosts
  const [low, high] = is3d(problem.grid) ? [back!, front!] : [bottom, top]
  const pairs = (low.kind === 'mirror' && low.b !== 0) || (high.kind === 'mirror' && high.b !== 0)
  const parties = Math.max(1, Math.min(problem.threads, pairs ? Math.floor(units / 2) : units))
  return partitionRows(first, last, parties)
}

type Shared = Pick<WorkerInit, 'fields' | 'source' | 'faces' | 'weights' | 'timed' | 'control'>

function workerInits(
  problem: Problem,
  bands: Band[],
  schedule: Schedule,
  shared: Shared,
  fill: ConstantFill | null,
): WorkerInit[] {
  const jobs = ghostRows(problem.grid, problem.ghosts)
  return bands.map((band, p) => ({
    ...shared,
    name: `calor-worker-${p + 1}`,
    parties: bands.length,
    backend: problem.backend,
    stride: unitLengthOf(problem.grid),
    band,
    // A ghost row is refreshed by the worker that owns the node rows it is made from.
    ghostRows: jobs
      .filter((j) => j.owner >= band.start && j.owner < band.end)
      .map(({ target, inside, boundary, rule }) => ({ target, inside, boundary, rule })),
    schedule: schedule.bands[p],
    flushSubnormals: problem.flushSubnormals,
    fill,
    copyRows: copyRowsOf(band),
  }))
}

/**
 * Allocates the second field, plans the schedule and starts the workers from the problem's initial field
 * (or from `saved`, nx·ny values) at time t0; rejects if `problem.signal` fires first. `inThread`: a
 * one-band run goes in the calling thread (never the main thread: it blocks while it runs). `warm`: the
 * workers come from the warm pool and go back to it (solve() and Solver.create; see parallel/pool.ts).
 */
export async function startGang(
  problem: Problem,
  saved?: Float64Array,
  inThread = false,
  t0 = 0,
  warm = false,
): Promise<Started> {
  const stepper = stepperFor(problem.method)
  const faces = sharedFaces(problem, t0)
  const bands = bandsOf(problem)
  const { fields, fill } = allocateFields(problem, saved, bands, faces, t0)
  // The problem's padded source is the workers' source buffer (a source of t is rewritten in it per step).
  const timed = new TimedData(problem, fields, faces, problem.source)
  const schedule = stepper.schedule(problem, bands)
  const control = createControlBlock(bands.length)
  const shared: Shared = {
    fields: [fields[0].buffer as SharedArrayBuffer, fields[1].buffer as SharedArrayBuffer],
    source: problem.source === null ? null : (problem.source.buffer as SharedArrayBuffer),
    faces: faces === null ? null : (faces.buffer as SharedArrayBuffer),
    weights: timed.weights === null ? null : (timed.weights.buffer as SharedArrayBuffer),
    timed: timed.ring,
    control: control.buffer as SharedArrayBuffer,
  }
  const inits = workerInits(problem, bands, schedule, shared, fill)
  const gang =
    inThread && inits.length === 1
      ? await InlineGang.start(inits[0])
      : await Gang.start(inits, control, schedule, problem.signal, warm)
  return { fields, gang, stepper, schedule, timed }
}
