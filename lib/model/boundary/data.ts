/**
 * Side data that may vary along the side and in time: a number, or a function (x, y, t) evaluated at
 * each node of the side at the time of the state it shapes (the boundary nodes and ghosts of the state
 * at t_{n+1} take the data at t_{n+1}); on a 3D grid a function (x, y, z, t).
 */
import { createHash } from 'node:crypto'

import { describe, fail } from '../../options/check.js'

export type Datum = number | ((x: number, y: number, t: number, t3?: number) => number)

/** What a datum must be: a predicate and its wording for messages. */
export interface DatumCheck {
  readonly ok: (value: number) => boolean
  readonly expected: string
}

export const kFinite: DatumCheck = { ok: Number.isFinite, expected: 'a finite number' }
export const kNonNegative: DatumCheck = { ok: (v) => Number.isFinite(v) && v >= 0, expected: 'a finite number >= 0' }

/** Parses a datum (`fallback` when absent; required when there is none). */
export function parseDatum(name: string, value: unknown, fallback: number | undefined, check = kFinite): Datum {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value === 'function') return value as Datum
  if (typeof value !== 'number' || !check.ok(value)) fail(name, `${check.expected} or a function (x, y, t)`, value)
  return value as number
}

/**
 * The datum at (x, y, t), or with `z` at (x, y, z, t) (a 3D grid); a function that throws or returns a
 * bad value is refused naming the option.
 */
export function datumAt(
  name: string,
  datum: Datum,
  x: number,
  y: number,
  t: number,
  check = kFinite,
  z?: number,
): number {
  if (typeof datum === 'number') return datum
  let value: unknown
  try {
    value = z === undefined ? datum(x, y, t) : datum(x, y, z, t)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    const [at, params] = placeOf(x, y, t, z)
    throw new TypeError(`${name}(${params}) threw at ${at}: ${reason}`, { cause: error })
  }
  if (typeof value !== 'number' || !check.ok(value)) {
    const [at, params] = placeOf(x, y, t, z)
    throw new TypeError(`${name}(${params}) must return ${check.expected}, got ${describe(value)} at ${at}`)
  }
  return value
}

/** Where a datum was evaluated, and its parameters, for a message (made only when something is wrong). */
function placeOf(x: number, y: number, t: number, z?: number): [string, string] {
  return z === undefined
    ? [`x = ${x}, y = ${y}, t = ${t}`, 'x, y, t']
    : [`x = ${x}, y = ${y}, z = ${z}, t = ${t}`, 'x, y, z, t']
}

/** Where and when a ghost rule applies: a node of the side and the time of the state. */
export interface At {
  readonly x: number
  readonly y: number
  /** On a 3D grid. */
  readonly z?: number
  readonly t: number
}

/** A function's identity for checkpoints: a digest of its source text (the same code gives the same text). */
export const functionId = (f: (...args: never[]) => unknown): string =>
  `function ${createHash('sha256').update(String(f)).digest('hex').slice(0, 16)}`

/** A datum as text: the number, or the function's identity. */
export const datumText = (datum: Datum): string => (typeof datum === 'number' ? String(datum) : functionId(datum))
