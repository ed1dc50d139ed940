/**
 * Validation at the edge: reads the caller's `SolveOptions` once (read.ts), checks every section, fills
 * the defaults and returns the frozen `Problem`, or throws an error that names the option, what was
 * expected and what was given (marked with kOptionsErrorCode). Nothing runs before this passes.
 */

import { asOptionsErrors } from '../api/errors.js'
import type { SolveOptions } from '../api/types.js'
import { applyFixed, ghostRules, parseBoundary, type Sides, transferAcross } from '../model/boundary/index.js'
import { isDeferred } from '../model/constant.js'
import { checkScales, checkStable, parseDiffusivity, stabilityLimit } from '../model/equation.js'
import { needsFaces } from '../model/faces.js'
import { type AxisZ, type Grid, is3d, makeGrid, nodeCountOf, paddedIndex } from '../model/grid.js'
import { defaultThreads } from '../parallel/threads.js'
import type { Tracker } from '../trackers/tracker.js'
import { checkKeys, describe, fail, integerAtLeast, isPlainObject, positiveNumber } from './check.js'
import { checkImplicit3d, parseMethod, parseTimeStep, parseUntil } from './method.js'
import { parseCheckpoint, parseResume } from './checkpoint.js'
import { parseInitial, parseSource } from './fields.js'
import { parseFrames } from './frames.js'
import { checkDuration, checkMemory, checkSteps, checkThreads, memoryNeeds } from './limits.js'
import { parseProbes } from './probes.js'
import type { Problem } from './problem.js'
import { snapshotOptions } from './read.js'
import { parseVtk, withVtkCopies } from './vtk.js'

/** The default time step as a fraction of the stability limit. */
export const kSafetyFactor = 0.9

const kOptionKeys = [
  'grid', 'diffusivity', 'initial', 'source', 'boundary', 'steps', 'tEnd', 'dt',
  'threads', 'backend', 'temporalBlocking', 'flushSubnormals', 'signal', 'onProgress', 'frames', 'probes',
  'vtk', 'method',
] as const // prettier-ignore
/** Options only `solve()` takes. */
const kSolveOnlyKeys = ['checkpoint', 'resume', 'until'] as const

function parseGrid(value: unknown, sides: Sides): Grid {
  if (!isPlainObject(value)) return fail('options.grid', 'an object { nx, ny, nz?, lx?, ly?, lz? }', value)
  checkKeys('options.grid', value, ['nx', 'ny', 'nz', 'lx', 'ly', 'lz'])
  const nx = integerAtLeast('options.grid.nx', value.nx, 3)
  const ny = integerAtLeast('options.grid.ny', value.ny, 3)
  const lx = value.lx === undefined ? 1 : positiveNumber('options.grid.lx', value.lx)
  const ly = value.ly === undefined ? 1 : positiveNumber('options.grid.ly', value.ly)
  const z = parseAxisZ(value, sides)
  return makeGrid(nx, ny, lx, ly, sides.left.wraps, sides.bottom.wraps, z)
}

/** A grid is 3D when it gives nz (other than 1). */
export const gridIs3d = (grid: unknown): boolean => isPlainObject(grid) && grid.nz !== undefined && grid.nz !== 1

/**
 * The z axis: nz = 1 (or none) is the plane, otherwise nz ≥ 3 nodes; lz is then required (a block's
 * depth is rarely its width, so it is never guessed), and lz without nz is refused.
 */
function parseAxisZ(value: Record<string, unknown>, sides: Sides): AxisZ | undefined {
  if (value.nz === undefined || value.nz === 1) {
    if (value.lz !== undefined) {
      throw new TypeError(
        `options.grid.lz needs options.grid.nz (3 or more nodes along z), got nz ${describe(value.nz)}`,
      )
    }
    return undefined
  }
  if (!Number.isInteger(value.nz) || (value.nz as number) < 3) {
    fail('options.grid.nz', '1 (a 2D grid) or an integer >= 3', value.nz)
  }
  if (value.lz === undefined) {
    throw new TypeError(`options.grid.lz is required with options.grid.nz (${value.nz}): give the extent along z`)
  }
  return { nz: value.nz as number, lz: positiveNumber('options.grid.lz', value.lz), periodic: sides.back!.wraps }
}

function parseDuration(options: SolveOptions, requireDuration: boolean) {
  const { steps, tEnd } = options
  const until = parseUntil(options.until)
  if (until !== undefined && (steps !== undefined || tEnd !== undefined)) {
    throw new TypeError('options.until is exclusive with options.steps and options.tEnd: give one of them')
  }
  if (until !== undefined) return { steps: undefined, tEnd: undefined, until }
  if (steps !== undefined && tEnd !== undefined) {
    throw new TypeError(
      `options.steps and options.tEnd are exclusive: give one, got steps ${describe(steps)} and tEnd ${describe(tEnd)}`,
    )
  }
  if (requireDuration && steps === undefined && tEnd === undefined) {
    throw new TypeError('options.steps or options.tEnd is required: give how many steps to take, or the final time')
  }
  return {
    until,
    steps: steps === undefined ? undefined : integerAtLeast('options.steps', steps, 0),
    tEnd: tEnd === undefined ? undefined : positiveNumber('options.tEnd', tEnd),
  }
}

/** The runtime options; `nodes`, the grid's node count, sets the default thread count (parallel/threads.ts). */
function parseRuntime(options: SolveOptions, nodes: number) {
  const { threads, backend, signal, onProgress, temporalBlocking, flushSubnormals } = options
  if (flushSubnormals !== undefined && typeof flushSubnormals !== 'boolean')
    fail('options.flushSubnormals', 'true or false', flushSubnormals)
  if (temporalBlocking !== undefined && temporalBlocking !== 'auto') {
    if (!Number.isInteger(temporalBlocking) || (temporalBlocking as number) < 1 || (temporalBlocking as number) > 64) {
      fail('options.temporalBlocking', "'auto' or an integer from 1 to 64", temporalBlocking)
    }
  }
  if (threads !== undefined) integerAtLeast('options.threads', threads, 1)
  if (backend !== undefined && backend !== 'native' && backend !== 'js')
    fail('options.backend', "'native' or 'js'", backend)
  if (signal !== undefined && !(signal instanceof AbortSignal)) fail('options.signal', 'an AbortSignal', signal)
  if (onProgress !== undefined && typeof onProgress !== 'function') fail('options.onProgress', 'a function', onProgress)
  return {
    threads: threads ?? defaultThreads(nodes),
    backend: backend ?? 'native',
    temporalBlocking: temporalBlocking ?? 'auto',
    flushSubnormals: flushSubnormals ?? false,
    signal,
    onProgress,
  }
}

function parseTrackers(value: unknown): readonly Tracker[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) return fail('options.trackers', 'an array of trackers { nextStep, observe }', value)
  value.forEach((t: unknown, k) => {
    const ok = isPlainObject(t) || (typeof t === 'object' && t !== null)
    const tracker = t as Record<string, unknown>
    if (!ok || typeof tracker.nextStep !== 'function' || typeof tracker.observe !== 'function') {
      fail(`options.trackers[${k}]`, 'a tracker with nextStep(step) and observe(snapshot) methods', t)
    }
  })
  return Object.freeze([...(value as Tracker[])])
}

/** Everything but the fields, which are evaluated last (after every cheap check has passed). */
function parseScalars(options: SolveOptions, requireDuration: boolean) {
  const sides = parseBoundary(options.boundary, gridIs3d(options.grid))
  const grid = parseGrid(options.grid, sides)
  const { max: diffusivity, field: diffusivityField } = parseDiffusivity(options.diffusivity, grid)
  const transfer = transferAcross(grid, sides)
  const dtLimit = stabilityLimit(grid, diffusivity, transfer)
  const method = parseMethod(options.method)
  checkImplicit3d(method, grid, diffusivityField !== null, sides)
  const dt = parseTimeStep(options.dt, method, grid, diffusivity, dtLimit, kSafetyFactor)
  if (method === 'explicit')
    checkStable('options.dt', dt, dtLimit, transfer.x + transfer.y + transfer.z > 0, is3d(grid))
  const duration = parseDuration(options, requireDuration)
  const runtime = parseRuntime(options, nodeCountOf(grid))
  if (runtime.flushSubnormals && method !== 'explicit') {
    throw new TypeError(`options.flushSubnormals is not supported with method '${method}' yet (explicit steps only)`)
  }
  checkThreads(runtime.threads)
  checkSteps(duration.steps)
  checkScales(grid, diffusivity, dtLimit, dt)
  const ghosts = ghostRules(grid, sides, diffusivity)
  checkDuration(duration.tEnd, dt)
  return { grid, sides, ghosts, diffusivity, diffusivityField, dtLimit, dt, method, ...duration, ...runtime }
}

/**
 * 'whole': the initial field and the source are evaluated over the grid, after a check that the run fits
 * in memory. 'none' (MPI ranks, which evaluate and check their own slabs): neither; `initial` is empty
 * and `source` null (a source's kind in time is still read).
 */
export type FieldScope = 'whole' | 'none'

function readProblem(raw: SolveOptions, forSolve: boolean, scope: FieldScope): Problem {
  const options = snapshotOptions(raw)
  if (!isPlainObject(options)) return fail('options', 'an object', options)
  checkKeys('options', options, [...kOptionKeys, ...(forSolve ? kSolveOnlyKeys : []), 'trackers'])
  const scalars = parseScalars(options, forSolve)
  const { grid, sides } = scalars
  const frames = parseFrames(options.frames, grid)
  const vtk = parseVtk(options.vtk, grid)
  const needs = memoryNeeds(grid, options, frames)
  // Mirror sides whose data vary along a side need the faces buffer too, with a constant α (model/faces.ts).
  const faces = needs.faces === true || needsFaces(scalars.diffusivityField, sides, scalars.method)
  if (scope === 'whole') checkMemory(grid, withVtkCopies({ ...needs, faces }, vtk))
  const probes = parseProbes(options.probes, grid)
  const trackers = parseTrackers(options.trackers)
  const checkpoint = parseCheckpoint(options.checkpoint)
  if (scalars.until !== undefined && (checkpoint !== undefined || options.resume !== undefined)) {
    throw new TypeError(
      'options.until does not take options.checkpoint or options.resume: a steady run is not resumable',
    )
  }
  const resume = parseResume(options.resume)
  const initial = scope === 'whole' ? parseInitial(options.initial ?? 0, grid) : new Float64Array(0)
  // A constant's fixed values come with its deferred filling (model/constant.ts).
  if (scope === 'whole' && !isDeferred(initial))
    applyFixed(grid, sides, initial, (i, j, k) => paddedIndex(grid, i, j, k))
  const parsed = options.source === undefined || scope === 'none' ? null : parseSource(options.source, grid)
  const [source, sourceScale, sourceAt] = [parsed?.field ?? null, parsed?.scale ?? null, parsed?.at ?? null]
  const fields = { initial, source, sourceScale, sourceAt }
  return Object.freeze({ ...scalars, ...fields, frames, vtk, probes, trackers, checkpoint, resume })
}

/**
 * Validates `options` and fills defaults. `forSolve` is true for `solve()`, which needs `steps` or
 * `tEnd` and may take `checkpoint`/`resume`; `Solver.create()` takes its duration per `advance()`.
 */
export function validateOptions(options: SolveOptions, forSolve: boolean, scope: FieldScope = 'whole'): Problem {
  return asOptionsErrors(() => readProblem(options, forSolve, scope))
}
