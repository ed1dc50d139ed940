/**
 * A sweep's jobs: running one, turning one into data that can cross to a pool worker, and its estimated
 * cost. A job with one thread runs in the pool worker's own thread (no nested workers).
 */
import { settleInitial } from '../model/constant.js'
import { unpackField } from '../model/field.js'
import { validateOptions } from '../options/validate.js'
import { runSolve } from './solve.js'
import type { SolveOptions, SolveResult } from './types.js'

/** Options that stay on the caller's thread: a pool worker cannot receive them. */
const kRefusedKeys = ['signal', 'onProgress'] as const

/**
 * Runs one job with `threads` solver threads, inside a pool worker: with one thread the job runs in this
 * thread (the pool worker is already a worker), with more it starts its own gang. The single place where
 * a sweep's job is run.
 */
export function runJob(options: SolveOptions, threads: number): Promise<SolveResult> {
  return runSolve({ ...options, threads }, threads === 1)
}

/** The path of the first function inside `value` (plain objects and arrays; typed arrays are data), or null. */
function functionPath(value: unknown, path: string): string | null {
  if (typeof value === 'function') return path
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return null
  for (const [key, inner] of Object.entries(value)) {
    const found = functionPath(inner, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`)
    if (found !== null) return found
  }
  return null
}

/** Refuses what cannot cross to a worker: `signal`, `onProgress`, and functions outside `initial` and `source`. */
function refuseUncrossable(options: SolveOptions): void {
  const given = options as unknown as Record<string, unknown>
  if (given === null || typeof given !== 'object') return // validation names it
  for (const key of kRefusedKeys) {
    if (given[key] !== undefined) {
      throw new TypeError(
        `options.${key} cannot be sent to a pool worker; give sweep() its own ${key} instead, got ${typeof given[key]}`,
      )
    }
  }
  const { initial: _initial, source: _source, ...rest } = options
  const path = functionPath(rest, 'options')
  if (path !== null) throw new TypeError(`${path} cannot be sent to a pool worker: it must be data, got a function`)
}

/**
 * The job as plain data that can be sent to a worker: validated exactly as `solve()` validates it, with
 * `initial` (Dirichlet values applied) and `source` evaluated into Float64Arrays. Refuses, with a
 * TypeError naming the option, what cannot cross: `signal`, `onProgress` and any other function.
 */
export function prepareJob(options: SolveOptions): SolveOptions {
  refuseUncrossable(options)
  const problem = validateOptions(options, true)
  const { initial: _initial, source: _source, ...rest } = options
  // The problem's fields are halo-padded shared buffers: hand the job plain nx·ny values.
  const prepared: SolveOptions = {
    ...rest,
    initial: unpackField(problem.grid, settleInitial(problem.grid, problem.sides, problem.initial)),
  }
  if (problem.source !== null) prepared.source = unpackField(problem.grid, problem.source)
  return prepared
}

/**
 * The job's estimated cost, nodes × steps, by which the queue is ordered (largest first). Validates
 * everything but the values of `initial` and `source`, which `prepareJob` evaluates at dispatch.
 */
export function jobCost(options: SolveOptions): number {
  refuseUncrossable(options)
  const { initial: _initial, source, ...rest } = options
  const problem = validateOptions({ ...rest, ...(source === undefined ? {} : { source: 0 }) }, true)
  const { nx, ny } = problem.grid
  return nx * ny * (problem.steps ?? Math.ceil((problem.tEnd ?? 0) / problem.dt))
}

/** The rows of the job's grid, [0, ny − 1], which a WorkerError about the job names. */
export function jobRows(options: SolveOptions): [number, number] {
  return [0, options.grid.ny - 1]
}
