/**
 * Limits a problem must also meet to run, checked before anything is allocated or started: memory for
 * the shared fields, a sane thread count and a step count that stays an exact integer, so that nothing
 * unusable reaches the workers or the native kernel.
 */
import os from 'node:os'

import { type Grid, nodeCountOf, paddedLengthOf } from '../model/grid.js'

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
  /** Frames being encoded at once, each a copy of the field and its image (RGB, then PNG). */
  readonly frameBytes: number
  /** A variable diffusivity: its nx·ny nodal values and the faces buffer made from them (4 padded fields, 5 in 3D). */
  readonly faces?: boolean
}

/** Frames the frames tracker encodes at once (trackers/frames.ts re-exports it as kMaxInFlight). */
export const kFramesInFlight = 2

/** The peak besides the two fields, from the options snapshot and the validated frames options. */
export function memoryNeeds(
  grid: Grid,
  options: { initial?: unknown; source?: unknown; resume?: unknown; diffusivity?: unknown },
  frames: { scale: number } | undefined,
): MemoryNeeds {
  const arrays = [options.initial, options.source].filter(Array.isArray).length
  const copies = 1 + arrays + (options.resume === undefined ? 0 : 2)
  const nodes = grid.nx * grid.ny
  // A frame draws one plane (a slice in 3D).
  const frame = nodes * Float64Array.BYTES_PER_ELEMENT + 2 * 3 * nodes * (frames?.scale ?? 0) ** 2
  return {
    source: options.source !== undefined,
    copies,
    frameBytes: frames === undefined ? 0 : kFramesInFlight * frame,
    faces: options.diffusivity !== undefined && typeof options.diffusivity !== 'number',
  }
}

/**
 * Refuses a grid whose peak memory (the halo-padded fields, two or three with a source, which are filled
 * in place, the nx·ny copies alive beside them, and frames in flight) does not fit in `available`
 * bytes, or whose field does not fit in a typed array, before any of it is allocated. Crank–Nicolson
 * needs no further field: both ADI schemes write their stages u* (and u** in 3D) into the other buffer;
 * each worker's scratch is a few padded rows (2D) or one padded plane, (ny + nz)·(nx + 2) values with a
 * varying α (3D): a small fraction of a field, not counted.
 */
export function checkMemory(grid: Grid, needs: MemoryNeeds, available = availableMemory()): void {
  const fields = (needs.source ? 3 : 2) + (needs.faces === true ? (grid.nz > 1 ? 5 : 4) : 0)
  const values = paddedLengthOf(grid)
  const copyBytes = (needs.copies + (needs.faces === true ? 1 : 0)) * nodeCountOf(grid) * Float64Array.BYTES_PER_ELEMENT
  const bytes = fields * values * Float64Array.BYTES_PER_ELEMENT + copyBytes + needs.frameBytes
  const what = `options.grid (nx ${grid.nx} × ny ${grid.ny}${grid.nz > 1 ? ` × nz ${grid.nz}` : ''})`
  if (bytes > available) {
    const parts = ['two fields', ...(needs.source ? ['a source'] : [])]
    if (needs.faces === true) parts.push('a variable diffusivity and its faces')
    parts.push(`${needs.copies === 1 ? 'a copy' : `${needs.copies} copies`} of the field`)
    if (needs.frameBytes > 0) parts.push('the frames being encoded')
    const names = `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
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
