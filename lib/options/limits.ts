/**
 * Limits a problem must also meet to run, checked before anything is allocated or started: memory for
 * the shared fields, a sane thread count, a step count that stays an exact integer, and stencil
 * coefficients that are finite, so that nothing unusable reaches the workers or the native kernel.
 */
import os from 'node:os'

import type { Grid } from './grid.js'
import type { Problem, SideName } from './options.js'

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

/**
 * Refuses a grid whose halo-padded fields (two, or three with a source) do not fit in `available`
 * bytes or in a typed array, before any of them is allocated.
 */
export function checkMemory(grid: Grid, hasSource: boolean, available = availableMemory()): void {
  const fields = hasSource ? 3 : 2
  const values = (grid.nx + 2) * (grid.ny + 2)
  const bytes = fields * values * Float64Array.BYTES_PER_ELEMENT
  const what = `options.grid (nx ${grid.nx} × ny ${grid.ny})`
  if (bytes > available) {
    const names = hasSource ? 'two fields and a source' : 'two fields'
    throw new RangeError(`${what} needs ${formatBytes(bytes)} for ${names}; ${formatBytes(available)} is available`)
  }
  if (values > kMaxTypedArrayLength) {
    throw new RangeError(
      `${what} needs ${values} values per padded field; a typed array holds at most ${kMaxTypedArrayLength}`,
    )
  }
}

/** The fields of a Problem the limits look at (all known before the initial field is evaluated). */
export type Limited = Pick<Problem, 'grid' | 'diffusivity' | 'sides' | 'dtLimit' | 'dt' | 'steps' | 'tEnd' | 'threads'>

/** Checks the thread count, the step count and the stencil coefficients of a validated problem. */
export function checkLimits(problem: Limited): void {
  if (problem.threads > kMaxThreads) {
    throw new RangeError(`options.threads must be at most ${kMaxThreads}, got ${problem.threads}`)
  }
  if (problem.steps !== undefined && problem.steps > kMaxSteps) {
    throw new RangeError(`options.steps must be at most ${kMaxSteps}, got ${problem.steps}`)
  }
  checkCoefficients(problem)
  if (problem.tEnd !== undefined && problem.tEnd / problem.dt > kMaxSteps) {
    throw new RangeError(
      `options.tEnd (${problem.tEnd}) needs more than ${kMaxSteps} steps of at most dt = ${problem.dt}`,
    )
  }
}

/**
 * Refuses scales that leave no usable time step (a spacing so small or a diffusivity so large that
 * the stability limit underflows to 0 or overflows to Infinity) and Neumann fluxes whose ghost offset
 * 2·h·q/α overflows: the kernel would otherwise compute with non-finite coefficients.
 */
function checkCoefficients(problem: Limited): void {
  const { grid, dtLimit, diffusivity, dt } = problem
  if (!(dtLimit > 0 && Number.isFinite(dtLimit))) {
    throw new RangeError(
      `options.grid (dx ${grid.dx}, dy ${grid.dy}) and options.diffusivity (${diffusivity}) give no usable ` +
        `time step: the stability limit 1/(2α(1/dx² + 1/dy²)) is ${dtLimit}`,
    )
  }
  // The same expressions as stencilSpec() in layout.ts.
  for (const [name, value] of [
    ['α·dt/dx²', (diffusivity * dt) / grid.dx ** 2],
    ['α·dt/dy²', (diffusivity * dt) / grid.dy ** 2],
  ] as const) {
    if (!Number.isFinite(value)) throw new RangeError(`options.dt (${dt}) makes ${name} = ${value}`)
  }
  for (const side of ['left', 'right', 'bottom', 'top'] as const) checkFlux(problem, side)
}

function checkFlux(problem: Limited, side: SideName): void {
  const { kind, value } = problem.sides[side]
  const spacing = side === 'left' || side === 'right' ? problem.grid.dx : problem.grid.dy
  const offset = (2 * spacing * value) / problem.diffusivity
  if (kind === 'neumann' && !Number.isFinite(offset)) {
    throw new RangeError(
      `options.boundary.${side}.flux (${value}) is too large: the ghost offset 2·h·q/α = ${offset} is not finite`,
    )
  }
}
