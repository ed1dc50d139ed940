/**
 * Limits a problem must also meet to run, checked before anything is allocated or started: memory for
 * the shared fields, a sane thread count and a step count that stays an exact integer, so that nothing
 * unusable reaches the workers or the native kernel.
 */
import os from 'node:os'

import type { Grid } from '../model/grid.js'

/** More workers than this is a mistake, not a plan: each one is a thread with its own heap. */
export const kMaxThreads = 256

/** The most steps one run may take: beyond this, step counts and times stop being exact. */
export const kMaxSteps = Number.MAX_SAFE_INTEGER

/** V8's largest typed array, in elements (2³²). */
export const kMaxTypedArrayLength = 2 ** 32

/** Bytes as a short decimal figure: "160 GB", "22.1 GB", "800 kB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB']
  let k = 0
  while (bytes >= 1000 && k < units.length - 1) [bytes, k] = [bytes / 1000, k + 1]
  return `${k === 0 ? bytes : Number(bytes.toPrecision(3))} ${units[k]}`
}

/** Memory the process can still use: free memory, or the cgroup limit when that is lower. */
export function availableMemory(): number {
  const constrained = process.constrainedMemory?.() ?? 0
  const free = os.freemem()
  return constrained > 0 ? Math.min(free, constrained) : free
}

/** What a run holds at its peak besides the two padded fields. */
export interface MemoryNeeds {
  /** A padded source field. */
  readonly source: boolean
  /**
   * nx·ny copies alive beside the fields: one whenever the field is read (`field()`, the result of
   * `solve()`), plus one per field given as a plain array (the options snapshot), plus a checkpoint's.
   */
  readonly copies: number
}

/**
 * Refuses a grid whose peak memory (the halo-padded fields, two or three with a source, which are filled
 * in place, and the nx·ny copies alive beside them) does not fit in `available` bytes, or whose field
 * does not fit in a typed array, before any of it is allocated.
 */
export function checkMemory(grid: Grid, needs: MemoryNeeds, available = availableMemory()): void {
  const fields = needs.source ? 3 : 2
  const values = (grid.nx + 2) * (grid.ny + 2)
  const bytes = (fields * values + needs.copies * grid.nx * grid.ny) * Float64Array.BYTES_PER_ELEMENT
  const what = `options.grid (nx ${grid.nx} × ny ${grid.ny})`
  if (bytes > available) {
    const copies = needs.copies === 1 ? 'a copy' : `${needs.copies} copies`
    const names = `${needs.source ? 'two fields, a source' : 'two fields'} and ${copies} of the field`
    throw new RangeError(`${what} needs ${formatBytes(bytes)} for ${names}; ${formatBytes(available)} is available`)
  }
  if (values > kMaxTypedArrayLength) {
    throw new RangeError(
      `${what} needs ${values} values per padded field; a typed array holds at most ${kMaxTypedArrayLength}`,
    )
  }
}

/** Checks the thread count and the step count (given, or implied by tEnd and dt) of a problem. */
export function checkThreads(threads: number): void {
  if (threads > kMaxThreads) throw new RangeError(`options.threads must be at most ${kMaxThreads}, got ${threads}`)
}

export function checkSteps(steps: number | undefined, name = 'options.steps'): void {
  if (steps !== undefined && steps > kMaxSteps) {
    throw new RangeError(`${name} must be at most ${kMaxSteps}, got ${steps}`)
  }
}

/** `duration` is the time a run covers (tEnd, or tEnd − t for an advance), in steps of at most `dt`. */
export function checkDuration(duration: number | undefined, dt: number, name = 'options.tEnd', tEnd = duration): void {
  if (duration !== undefined && !(duration / dt <= kMaxSteps)) {
    throw new RangeError(`${name} (${tEnd}) needs more than ${kMaxSteps} steps of at most dt = ${dt}`)
  }
}
