/**
 * Validation at the edge: turns user `SolveOptions` into an immutable `Problem`, or throws an error
 * that names the option, what was expected and what was given. Nothing runs before this passes.
 */
import os from 'node:os'

import { StabilityError } from './errors.js'
import { type Grid, makeGrid } from './grid.js'
import { checkLimits, checkMemory } from './limits.js'
import { snapshotOptions } from './snapshot.js'
import type { Backend, Boundary, FieldInit, Progress, SideBoundary, SolveOptions } from './types.js'

export type SideName = 'left' | 'right' | 'bottom' | 'top'
export const kSideNames: readonly SideName[] = ['left', 'right', 'bottom', 'top']

/** One side's condition: `value` is the Dirichlet value or the Neumann outward flux. */
export interface Side {
  readonly kind: 'dirichlet' | 'neumann' | 'periodic'
  readonly value: number
}

/** A validated problem: every field filled, every array checked. */
export interface Problem {
  readonly grid: Grid
  readonly diffusivity: number
  readonly sides: Readonly<Record<SideName, Side>>
  /** nx·ny initial values with Dirichlet boundary values applied. */
  readonly initial: Float64Array
  /** nx·ny source values, or null for none. */
  readonly source: Float64Array | null
  /** The stability limit 1 / (2α(1/dx² + 1/dy²)). */
  readonly dtLimit: number
  /** The time step for `steps`, and the largest allowed step for `tEnd`. */
  readonly dt: number
  readonly steps: number | undefined
  readonly tEnd: number | undefined
  readonly threads: number
  readonly backend: Backend
  readonly temporalBlocking: number | 'auto'
  readonly signal: AbortSignal | undefined
  readonly onProgress: ((progress: Progress) => void) | undefined
}

/** The default time step as a fraction of the stability limit. */
export const kSafetyFactor = 0.9

const kDefaultBoundary: SideBoundary = Object.freeze({ type: 'dirichlet', value: 0 })
const kOptionKeys = [
  'grid', 'diffusivity', 'initial', 'source', 'boundary', 'steps', 'tEnd', 'dt',
  'threads', 'backend', 'temporalBlocking', 'signal', 'onProgress',
] as const // prettier-ignore

/** Renders a value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'bigint') return `${value}n (a bigint)`
  if (Array.isArray(value)) return `an array of length ${value.length}`
  if (value instanceof Float64Array) return `a Float64Array of length ${value.length}`
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return String(value)
}

const fail = (name: string, expected: string, value: unknown): never => {
  throw new TypeError(`${name} must be ${expected}, got ${describe(value)}`)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)
}

/** Rejects keys not in `allowed`, naming the first unknown one and the valid choices. */
export function checkKeys(name: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`Unknown option ${name}.${key}; expected one of ${allowed.join(', ')}`)
    }
  }
}

export function positiveNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(name, 'a positive finite number', value)
  return value as number
}

function finiteNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(name, 'a finite number', value)
  return value as number
}

export function integerAtLeast(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(name, `an integer >= ${min}`, value)
  return value as number
}

function parseSide(name: string, value: unknown): Side {
  if (!isPlainObject(value)) return fail(name, "an object such as { type: 'dirichlet', value: 0 }", value)
  switch (value.type) {
    case 'dirichlet':
      checkKeys(name, value, ['type', 'value'])
      return { kind: 'dirichlet', value: value.value === undefined ? 0 : finiteNumber(`${name}.value`, value.value) }
    case 'neumann':
      checkKeys(name, value, ['type', 'flux'])
      return { kind: 'neumann', value: value.flux === undefined ? 0 : finiteNumber(`${name}.flux`, value.flux) }
    case 'periodic':
      checkKeys(name, value, ['type'])
      return { kind: 'periodic', value: 0 }
    default:
      return fail(`${name}.type`, "one of 'dirichlet', 'neumann', 'periodic'", value.type)
  }
}

function parseBoundary(value: Boundary | undefined): Record<SideName, Side> {
  const name = 'options.boundary'
  let sides: Record<SideName, Side>
  if (value === undefined || (isPlainObject(value) && 'type' in value)) {
    const side = parseSide(name, value ?? kDefaultBoundary)
    sides = { left: side, right: side, bottom: side, top: side }
  } else {
    if (!isPlainObject(value)) return fail(name, 'a side condition or { left, right, bottom, top }', value)
    checkKeys(name, value, kSideNames)
    const parse = (side: SideName) => parseSide(`${name}.${side}`, (value as Record<string, unknown>)[side])
    sides = { left: parse('left'), right: parse('right'), bottom: parse('bottom'), top: parse('top') }
  }
  for (const [a, b] of [
    ['left', 'right'],
    ['bottom', 'top'],
  ] as const) {
    if ((sides[a].kind === 'periodic') !== (sides[b].kind === 'periodic')) {
      throw new TypeError(
        `${name}: ${a} and ${b} must both be periodic or neither, got ${sides[a].kind} and ${sides[b].kind}`,
      )
    }
  }
  return sides
}

/** Evaluates a number, a function of (x, y) or an nx·ny array into checked, finite node values. */
export function parseFieldInit(name: string, value: FieldInit, grid: Grid): Float64Array {
  const { nx, ny, dx, dy } = grid
  const out = new Float64Array(nx * ny)
  if (typeof value === 'number') return out.fill(finiteNumber(name, value))
  if (typeof value === 'function') {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const [x, y] = [i * dx, j * dy]
        const v = value(x, y)
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new TypeError(
            `${name}(x, y) must return a finite number, got ${describe(v)} at node (${i}, ${j}), x = ${x}, y = ${y}`,
          )
        }
        out[j * nx + i] = v
      }
    }
    return out
  }
  if (!(value instanceof Float64Array) && !Array.isArray(value)) {
    return fail(name, 'a number, a function (x, y) => number, or a Float64Array or array of nx*ny values', value)
  }
  if (value.length !== nx * ny) fail(name, `of length nx*ny = ${nx * ny}`, value)
  for (let k = 0; k < value.length; k++) {
    const v = value[k]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TypeError(
        `${name}[${k}] (node (${k % nx}, ${Math.floor(k / nx)})) must be a finite number, got ${describe(v)}`,
      )
    }
    out[k] = v
  }
  return out
}

/** (a + b) / 2, without overflowing for values beyond half the largest double (same bits otherwise). */
const mean = (a: number, b: number) => (Number.isFinite(a + b) ? (a + b) / 2 : a / 2 + b / 2)

/** Sets the nodes of Dirichlet sides to their values; where two Dirichlet sides meet, the corner takes their mean. */
export function applyDirichlet(grid: Grid, sides: Record<SideName, Side>, field: Float64Array): void {
  const { nx, ny } = grid
  const set = (i: number, j: number, side: Side) => {
    if (side.kind === 'dirichlet') field[j * nx + i] = side.value
  }
  for (let j = 0; j < ny; j++) [set(0, j, sides.left), set(nx - 1, j, sides.right)]
  for (let i = 0; i < nx; i++) [set(i, 0, sides.bottom), set(i, ny - 1, sides.top)]
  for (const [i, j, a, b] of [
    [0, 0, 'left', 'bottom'],
    [nx - 1, 0, 'right', 'bottom'],
    [0, ny - 1, 'left', 'top'],
    [nx - 1, ny - 1, 'right', 'top'],
  ] as const) {
    // prettier-ignore
    if (sides[a].kind === 'dirichlet' && sides[b].kind === 'dirichlet') {
      field[j * nx + i] = mean(sides[a].value, sides[b].value)
    }
  }
}

function parseGrid(value: unknown, sides: Record<SideName, Side>): Grid {
  if (!isPlainObject(value)) return fail('options.grid', 'an object { nx, ny, lx?, ly? }', value)
  checkKeys('options.grid', value, ['nx', 'ny', 'lx', 'ly'])
  const nx = integerAtLeast('options.grid.nx', value.nx, 3)
  const ny = integerAtLeast('options.grid.ny', value.ny, 3)
  const lx = value.lx === undefined ? 1 : positiveNumber('options.grid.lx', value.lx)
  const ly = value.ly === undefined ? 1 : positiveNumber('options.grid.ly', value.ly)
  return makeGrid(nx, ny, lx, ly, sides.left.kind === 'periodic', sides.bottom.kind === 'periodic')
}

/** The stability limit of explicit FTCS: dt ≤ 1 / (2α(1/dx² + 1/dy²)). */
export function stabilityLimit(grid: Grid, diffusivity: number): number {
  return 1 / (2 * diffusivity * (1 / grid.dx ** 2 + 1 / grid.dy ** 2))
}

/** Checks a time step against the stability limit (with a rounding allowance of one part in 10¹²). */
export function checkStable(name: string, dt: number, limit: number): void {
  if (dt > limit * (1 + 1e-12)) {
    throw new StabilityError(`${name} (${dt}) exceeds the stable limit 1/(2α(1/dx² + 1/dy²)) = ${limit}`, limit)
  }
}

function parseDuration(options: SolveOptions, requireDuration: boolean) {
  const { steps, tEnd } = options
  if (steps !== undefined && tEnd !== undefined) {
    throw new TypeError(
      `options.steps and options.tEnd are exclusive: give one, got steps ${describe(steps)} and tEnd ${describe(tEnd)}`,
    )
  }
  if (requireDuration && steps === undefined && tEnd === undefined) {
    throw new TypeError('options.steps or options.tEnd is required: give how many steps to take, or the final time')
  }
  return {
    steps: steps === undefined ? undefined : integerAtLeast('options.steps', steps, 0),
    tEnd: tEnd === undefined ? undefined : positiveNumber('options.tEnd', tEnd),
  }
}

function parseRuntime(options: SolveOptions) {
  const { threads, backend, signal, onProgress, temporalBlocking } = options
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
    threads: threads ?? os.availableParallelism(),
    backend: backend ?? 'native',
    temporalBlocking: temporalBlocking ?? 'auto',
    signal,
    onProgress,
  }
}

/**
 * Validates `options` and fills defaults. `requireDuration` is true for `solve()`, which needs
 * `steps` or `tEnd`; `Solver.create()` takes them per `advance()`.
 */
export function validateOptions(
  options: SolveOptions,
  requireDuration: boolean,
  extraKeys: readonly string[] = [],
): Problem {
  options = snapshotOptions(options)
  if (!isPlainObject(options)) return fail('options', 'an object', options)
  checkKeys('options', options, [...kOptionKeys, ...extraKeys])
  const sides = parseBoundary(options.boundary)
  const grid = parseGrid(options.grid, sides)
  checkMemory(grid, options.source !== undefined)
  const diffusivity = options.diffusivity === undefined ? 1 : positiveNumber('options.diffusivity', options.diffusivity)
  const dtLimit = stabilityLimit(grid, diffusivity)
  const dt = options.dt === undefined ? kSafetyFactor * dtLimit : positiveNumber('options.dt', options.dt)
  checkStable('options.dt', dt, dtLimit)
  const duration = parseDuration(options, requireDuration)
  const runtime = parseRuntime(options)
  checkLimits({ grid, diffusivity, sides, dtLimit, dt, ...duration, threads: runtime.threads })
  const initial = parseFieldInit('options.initial', options.initial ?? 0, grid)
  applyDirichlet(grid, sides, initial)
  const source = options.source === undefined ? null : parseFieldInit('options.source', options.source, grid)
  return Object.freeze({ grid, diffusivity, sides, initial, source, dtLimit, dt, ...duration, ...runtime })
}

/** Splits a duration into equal steps: `tEnd` in ceil(tEnd / dtMax) steps that land exactly on it. */
export function stepsFor(tEnd: number, dtMax: number): { steps: number; dt: number } {
  const steps = Math.max(1, Math.ceil((tEnd / dtMax) * (1 - 1e-12)))
  return { steps, dt: tEnd / steps }
}
