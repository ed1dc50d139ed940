/**
 * Starting a solver's machinery for a validated problem: the shared fields (filled in place, halo
 * included), the source, the control block, the bands, the stepper's schedule and the gang of workers.
 */
import { evolvingNodes } from '../model/boundary/index.js'
import { allocateShared, fillHalo, ghostRows, packField } from '../model/field.js'
import { strideOf } from '../model/grid.js'
import type { Problem } from '../options/problem.js'
import { createControlBlock } from '../parallel/control.js'
import { Gang } from '../parallel/gang.js'
import { type Band, partitionRows } from '../parallel/partition.js'
import type { WorkerInit } from '../parallel/protocol.js'
import type { Schedule } from '../steppers/schedule.js'
import { type Stepper, stepperFor } from '../steppers/stepper.js'

export interface Started {
  readonly fields: [Float64Array, Float64Array]
  readonly gang: Gang
  readonly stepper: Stepper
  readonly schedule: Schedule
}

/** Both halo-padded fields on SharedArrayBuffers, holding `initial` (nx·ny) and its halo. */
function allocateFields(problem: Problem, initial: Float64Array): [Float64Array, Float64Array] {
  const a = allocateShared(problem.grid)
  packField(problem.grid, initial, a)
  fillHalo(problem.grid, a, problem.ghosts)
  const b = allocateShared(problem.grid)
  b.set(a)
  return [a, b]
}

function sharedSource(problem: Problem): SharedArrayBuffer | null {
  if (problem.source === null) return null
  const padded = allocateShared(problem.grid)
  packField(problem.grid, problem.source, padded)
  return padded.buffer as SharedArrayBuffer
}

/** The evolving rows split into one band per worker (no more workers than rows). */
function bandsOf(problem: Problem): Band[] {
  const e = evolvingNodes(problem.grid, problem.sides)
  const parties = Math.min(problem.threads, e.lastRow - e.firstRow + 1)
  return partitionRows(e.firstRow, e.lastRow, parties)
}

type Shared = Pick<WorkerInit, 'fields' | 'source' | 'control'>

function workerInits(problem: Problem, bands: Band[], schedule: Schedule, shared: Shared): WorkerInit[] {
  const jobs = ghostRows(problem.grid, problem.ghosts)
  return bands.map((band, p) => ({
    ...shared,
    name: `calor-worker-${p + 1}`,
    parties: bands.length,
    backend: problem.backend,
    stride: strideOf(problem.grid),
    band,
    // A ghost row is refreshed by the worker that owns the node rows it is made from.
    ghostRows: jobs
      .filter((j) => j.owner >= band.start && j.owner < band.end)
      .map(({ target, inside, boundary, rule }) => ({ target, inside, boundary, rule })),
    schedule: schedule.bands[p],
  }))
}

/** Allocates the fields, plans the schedule and starts the workers; rejects if `problem.signal` fires first. */
export async function startGang(problem: Problem, initial: Float64Array): Promise<Started> {
  const stepper = stepperFor(problem.method)
  const fields = allocateFields(problem, initial)
  const bands = bandsOf(problem)
  const schedule = stepper.schedule(problem, bands)
  const control = createControlBlock(bands.length)
  const shared: Shared = {
    fields: [fields[0].buffer as SharedArrayBuffer, fields[1].buffer as SharedArrayBuffer],
    source: sharedSource(problem),
    control: control.buffer as SharedArrayBuffer,
  }
  const inits = workerInits(problem, bands, schedule, shared)
  const gang = await Gang.start(inits, control, schedule, problem.signal)
  return { fields, gang, stepper, schedule }
}
