/**
 * `solve({ ...options, mpi: true })` under `mpiexec -n R node script.mjs`: every rank validates the same
 * options, solves its slab (slab.ts: rows in 2D, planes in 3D) with an ordinary Solver on its own workers,
 * and swaps halo units with its neighbours every k steps (halo.ts), from the thread that started MPI (the main thread). The result
 * is bit-identical to one process. Rank 0 gathers the whole field (every rank with `gather: 'all'`).
 * A failure on any rank after the options were agreed ends every rank (MPI_Abort) naming the rank and the
 * step. The calor-mpi addon is loaded only here, and only when a solve asks for MPI. See docs/mpi.md.
 */
import { planAdvance } from '../api/advance.js'
import { asOptionsErrors } from '../api/errors.js'
import { Solver } from '../api/solver.js'
import type { FieldInit, MpiSolveOptions, MpiSolveResult, MpiStats, Progress, SolveOptions } from '../api/types.js'
import { evolvingCount } from '../model/boundary/index.js'
import { packField, unpackField } from '../model/field.js'
import { type Grid, is3d, nodeCountOf } from '../model/grid.js'
import { parseFieldUnits, scaleAt, type SourceAt } from '../options/fields.js'
import { checkKeys, describe, fail, isPlainObject } from '../options/check.js'
import type { Problem, StartState } from '../options/problem.js'
import { validateOptions } from '../options/validate.js'
import { exchangeHalo } from './halo.js'
import type { MpiComm } from './mpi-comm.js'
import { loadMpi } from './mpi-comm.js'
import { type MpiTrackers, mpiTrackers } from './mpi-trackers.js'
import { checkRanks, checkSlabMemory, type Slab, slabOf, slabProblem, slabTimed, unitNodesOf, unitsOf } from './slab.js'

/** Options a solve cannot take with `mpi: true` (yet), and why. */
const kRefused = {
  trackers: 'trackers see one process’s field',
  until: 'a steady run needs the residual of the whole field',
  probes: 'probes would read one rank’s slab, and result.probes is not gathered',
} as const

/** The exit code of a job that one rank ended after a failure. */
export const kFailureExitCode = 70

interface Prepared {
  readonly problem: Problem
  readonly slab: Slab
  readonly local: Problem
  readonly steps: number
  readonly landOn: number | undefined
  readonly gather: 'root' | 'all'
  readonly onProgress: ((progress: Progress) => void) | undefined
}

/** Splits off the MPI-only options and refuses what MPI runs cannot do; the rest goes to validateOptions. */
function splitOptions(options: MpiSolveOptions): { rest: SolveOptions; gather: 'root' | 'all' } {
  if (!isPlainObject(options)) return fail('options', 'an object', options)
  const { mpi: _mpi, gather, ...rest } = options
  if (gather !== undefined && gather !== 'root' && gather !== 'all') fail('options.gather', "'root' or 'all'", gather)
  for (const [key, why] of Object.entries(kRefused)) {
    if ((rest as Record<string, unknown>)[key] !== undefined) {
      throw new TypeError(`options.${key} is not supported with mpi: true: ${why}`)
    }
  }
  // ADI's y-lines run the whole height of the grid: a slab of rows cannot solve them alone.
  if (rest.method !== undefined && rest.method !== 'explicit') {
    throw new TypeError(
      `options.method must be 'explicit' with mpi: true (Crank–Nicolson's y-lines span every rank's rows), got ${describe(rest.method)}`,
    )
  }
  return { rest, gather: gather ?? 'root' }
}

/**
 * The source on this rank's units: a field constant in time, a separable { shape, scale } (its shape), or
 * a function of (x, y, t) ((x, y, z, t) in 3D; its values at t = 0), and what varies in time, as
 * options/fields.ts parseSource reads them over the whole grid.
 */
function sourceUnits(source: unknown, grid: Grid, units: readonly number[]) {
  const name = 'options.source'
  const none = { sourceScale: null, sourceAt: null }
  if (source === undefined) return { field: null, ...none }
  if (typeof source === 'function' && source.length >= (is3d(grid) ? 4 : 3)) {
    const at = source as (...args: number[]) => number
    const now = is3d(grid) ? (x: number, y: number, z: number) => at(x, y, z, 0) : (x: number, y: number) => at(x, y, 0)
    return { field: parseFieldUnits(name, now, grid, units), sourceScale: null, sourceAt: at as SourceAt }
  }
  if (!isPlainObject(source)) return { field: parseFieldUnits(name, source as FieldInit, grid, units), ...none }
  checkKeys(name, source, ['shape', 'scale'])
  if (typeof source.scale !== 'function') fail(`${name}.scale`, 'a function (t) => number', source.scale)
  const scale = source.scale as (t: number) => number
  scaleAt(scale, 0)
  const field = parseFieldUnits(`${name}.shape`, (source.shape ?? 0) as FieldInit, grid, units)
  return { field, sourceScale: scale, sourceAt: null }
}

/** Every check and evaluation a rank makes alone: the whole problem's options, then its slab's fields. */
function prepare(options: MpiSolveOptions, rank: number, ranks: number): Prepared {
  const { rest, gather } = asOptionsErrors(() => splitOptions(options))
  const { initial, source } = rest
  // The fields are evaluated below on this rank's units only, and the memory checked for its slab only:
  // validation sees stand-ins of the same kind and makes no field (the whole grid may not fit one host).
  const standIns = { ...rest, initial: 0, source: source === undefined ? undefined : 0 }
  const checked = validateOptions(standIns, true, 'none')
  asOptionsErrors(() => checkRanks(checked.grid, ranks))
  const slab = slabOf(checked.grid, rank, ranks)
  asOptionsErrors(() => checkSlabMemory(checked, slab, rest))
  const plan = planAdvance(checked.steps === undefined ? { tEnd: checked.tEnd! } : { steps: checked.steps }, checked, 0)
  const [u0, { field: f, ...timed }] = asOptionsErrors(() => [
    parseFieldUnits('options.initial', initial ?? 0, checked.grid, slab.units),
    sourceUnits(source, checked.grid, slab.units),
  ])
  const problem = Object.freeze({ ...checked, ...timed, initial: new Float64Array(0), source: null })
  const local = slabProblem(problem, slab, u0, f, plan.dt)
  return { problem, slab, local, steps: plan.steps, landOn: plan.landOn, gather, onProgress: problem.onProgress }
}

/**
 * Validates on every rank, then agrees: if any rank refused its options (a bad value may sit in one
 * rank's units only), every rank throws, naming the first rank that refused. One MPI_Allreduce.
 */
function agree(comm: MpiComm, options: MpiSolveOptions): Prepared {
  const { rank, size } = comm.info
  let prepared: Prepared | undefined
  let refusal: unknown
  try {
    prepared = prepare(options, rank, size)
  } catch (error) {
    refusal = error
  }
  const first = comm.addon.allreduce(prepared === undefined ? rank : size, 'min')
  if (prepared === undefined) throw refusal
  if (first < size) {
    const error = new TypeError(`options were refused on MPI rank ${first} (its error says why); no rank ran`)
    throw asOptionsErrors(() => {
      throw error
    })
  }
  return prepared
}

/** A failure after the ranks agreed: every rank must end, or the others would wait for this one forever. */
function abortJob(comm: MpiComm, step: number, error: unknown): never {
  const reason = error instanceof Error ? error.message : String(error)
  return comm.addon.abort(
    kFailureExitCode,
    `calor: the solve failed on rank ${comm.info.rank} at step ${step}: ${reason}`,
  )
}

/** The owned units of a slab's unpadded field (rows of nx values in 2D, planes of nx·ny in 3D). */
function ownedUnits(run: Prepared, slabField: Float64Array): Float64Array {
  const length = unitNodesOf(run.problem.grid)
  const { below, owned } = run.slab
  return slabField.subarray(below * length, (below + owned.end - owned.start) * length)
}

/** The whole field on rank 0 (every rank with 'all'), from each rank's owned units; null elsewhere. */
function gatherField(comm: MpiComm, run: Prepared, slabField: Float64Array): Float64Array | null {
  const mine = ownedUnits(run, slabField)
  const whole = run.gather === 'all' || comm.info.rank === 0 ? new Float64Array(nodeCountOf(run.problem.grid)) : null
  if (run.gather === 'all') comm.addon.allgatherv(mine, whole!)
  else comm.addon.gatherv(mine, 0, whole)
  return whole
}

interface Marched {
  readonly seconds: number
  readonly exchangeSeconds: number
  readonly exchanges: number
  readonly threads: number
  readonly field: Float64Array
}

/** Where the march starts: step 0 at t = 0, or a resumed run's saved step and time. */
interface From {
  readonly step: number
  readonly t: number
}

/**
 * Advances the slab k steps at a time, swapping halos in between; rank 0's trackers at the steps they ask
 * for, and progress, after chunks. Steps count from the whole run's start.
 */
async function march(
  comm: MpiComm,
  run: Prepared,
  solver: Solver,
  trackers: MpiTrackers | undefined,
  from: From,
): Promise<Marched> {
  const { steps, slab, local } = run
  const started = performance.now()
  const elapsed = () => (performance.now() - started) / 1000
  const step = () => from.step + solver.step
  const t = () => from.t + solver.step * local.dt
  const observe = (kind: 'start' | 'step' | 'end', at: number) => {
    const progress = { firstStep: from.step, steps: steps - from.step, seconds: elapsed() }
    return trackers?.observe(kind, step(), at, ownedUnits(run, solver.field()), progress)
  }
  let [exchangeSeconds, exchanges] = [0, 0]
  await observe('start', t())
  let next = trackers?.nextStep(step()) ?? Infinity
  while (step() < steps) {
    const toExchange = slab.ranks === 1 ? Infinity : slab.depth - (solver.step % slab.depth)
    await solver.advance({ steps: Math.min(toExchange, next - step(), steps - step()) })
    if (step() < steps && slab.ranks > 1 && solver.step % slab.depth === 0) {
      const t0 = performance.now()
      const { field, unit } = solver.unitsView()
      exchangeHalo(comm.addon, slab, field, unit)
      exchangeSeconds += (performance.now() - t0) / 1000
      exchanges++
    }
    if (step() === next) {
      if (step() < steps) await observe('step', t())
      next = trackers!.nextStep(step())
    }
    run.onProgress?.({ step: step(), steps, t: t(), seconds: elapsed() })
  }
  await observe('end', run.landOn ?? steps * local.dt)
  await trackers?.close()
  return { seconds: elapsed(), exchangeSeconds, exchanges, threads: solver.threads, field: solver.field() }
}

/** Runs this rank's part of the solve; any failure ends every rank. */
async function runRank(comm: MpiComm, run: Prepared, trackers: MpiTrackers | undefined, from: From): Promise<Marched> {
  let solver: Solver | undefined
  try {
    solver = await Solver.fromProblem(run.local)
    return await march(comm, run, solver, trackers, from)
  } catch (error) {
    return abortJob(comm, from.step + (solver?.step ?? 0), error)
  } finally {
    await solver?.close()
  }
}

/** An MPI solve is running in this process: a second one would interleave its collectives with it. */
let running = false

/** `solve()` with `mpi: true`: see the module comment. */
export async function solveMpi(options: MpiSolveOptions): Promise<MpiSolveResult> {
  if (running) throw new Error('solve({ mpi: true }): another MPI solve is still running on this rank; await it first')
  running = true
  try {
    return await solveAgreed(await loadMpi(), options)
  } finally {
    running = false
  }
}

/**
 * A resumed run's slab starts from its units of the saved field (halo units included), and its local
 * Solver's time t (from 0) is the run's saved t + t.
 */
function resumeSlab(run: Prepared, start: StartState): Prepared {
  packField(run.local.grid, unitsOf(run.problem.grid, start.field, run.slab.units), run.local.initial)
  return { ...run, local: Object.freeze({ ...run.local, ...slabTimed(run.problem, run.slab, start.t) }) }
}

async function solveAgreed(comm: MpiComm, options: MpiSolveOptions): Promise<MpiSolveResult> {
  const agreed = agree(comm, options)
  const { grid } = agreed.local
  const source = agreed.local.source === null ? null : ownedUnits(agreed, unpackField(grid, agreed.local.source))
  const owned = { initial: ownedUnits(agreed, unpackField(grid, agreed.local.initial)), source }
  const { trackers, start } = await mpiTrackers(comm, agreed.problem, agreed.local.dt, owned)
  const run = start === undefined ? agreed : resumeSlab(agreed, start)
  const from = start ?? { step: 0, t: 0 }
  const done = await runRank(comm, run, trackers, from)
  let field: Float64Array | null
  try {
    field = gatherField(comm, run, done.field)
  } catch (error) {
    return abortJob(comm, run.steps, error)
  }
  const { problem, steps } = run
  const { nx, ny, nz } = problem.grid
  const taken = steps - from.step
  const updates = evolvingCount(problem.grid, problem.sides) * taken
  const stats = {
    seconds: done.seconds,
    updatesPerSecond: done.seconds > 0 ? updates / done.seconds : 0,
    threads: done.threads,
    backend: problem.backend,
    secondsPerStep: taken > 0 ? done.seconds / taken : 0,
  }
  const t = run.landOn ?? steps * run.local.dt
  const shape = is3d(problem.grid) ? { nx, ny, nz } : { nx, ny }
  return { field, ...shape, t, steps, dt: run.local.dt, stats, mpi: mpiStats(run, done) }
}

/** This rank's place and exchanges: its owned rows in 2D; in 3D, every row of its owned planes. */
function mpiStats(run: Prepared, done: Marched): MpiStats {
  const { slab, problem } = run
  const [first, count] = [slab.owned.start, slab.owned.end - slab.owned.start]
  const place = is3d(problem.grid)
    ? { firstRow: 0, rows: problem.grid.ny, firstPlane: first, planes: count }
    : { firstRow: first, rows: count }
  const exchanged = { halo: slab.depth, exchangeSeconds: done.exchangeSeconds, exchanges: done.exchanges }
  return { rank: slab.rank, ranks: slab.ranks, ...place, ...exchanged }
}
