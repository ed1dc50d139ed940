/**
 * Boundary conditions: the registry of kinds (one module each, found by their `type`), the parser of
 * `options.boundary`, and what the sides mean for the field as a whole: which nodes evolve, the values
 * fixed nodes hold (corners included), and the ghost rule of each side.
 */
import { checkKeys, fail, isPlainObject } from '../../options/check.js'
import type { Grid } from '../grid.js'
import { dirichlet } from './dirichlet.js'
import { type BoundaryKind, kSideNames, type Side, type SideName } from './kind.js'
import { neumann } from './neumann.js'
import { periodic } from './periodic.js'
import { robin } from './robin.js'
import type { GhostRule } from './rule.js'

export { type BoundaryKind, kSideNames, type Side, type SideName } from './kind.js'
export type { GhostRule } from './rule.js'

export type Sides = Readonly<Record<SideName, Side>>

/** Every kind, by its `type`. A new kind is registered here and nowhere else. */
export const kBoundaryKinds: ReadonlyMap<string, BoundaryKind> = new Map(
  [dirichlet, neumann, robin, periodic].map((kind) => [kind.type, kind]),
)

const kDefaultSide = Object.freeze({ type: 'dirichlet', value: 0 })
const kAxes = [
  ['left', 'right'],
  ['bottom', 'top'],
] as const

function parseSide(name: string, value: unknown): Side {
  if (!isPlainObject(value)) return fail(name, "an object such as { type: 'dirichlet', value: 0 }", value)
  const kind = typeof value.type === 'string' ? kBoundaryKinds.get(value.type) : undefined
  if (kind === undefined) {
    const types = [...kBoundaryKinds.keys()].map((t) => `'${t}'`).join(', ')
    return fail(`${name}.type`, `one of ${types}`, value.type)
  }
  checkKeys(name, value, kind.keys)
  return kind.parse(name, value)
}

/** Parses one side condition for all four sides, or `{ left, right, bottom, top }`. */
export function parseBoundary(value: unknown): Sides {
  const name = 'options.boundary'
  let sides: Record<SideName, Side>
  if (value === undefined || (isPlainObject(value) && 'type' in value)) {
    const side = parseSide(name, value ?? kDefaultSide)
    sides = { left: side, right: side, bottom: side, top: side }
  } else {
    if (!isPlainObject(value)) return fail(name, 'a side condition or { left, right, bottom, top }', value)
    checkKeys(name, value, kSideNames)
    const parse = (side: SideName) => parseSide(`${name}.${side}`, value[side])
    sides = { left: parse('left'), right: parse('right'), bottom: parse('bottom'), top: parse('top') }
  }
  for (const [a, b] of kAxes) {
    if (sides[a].wraps !== sides[b].wraps) {
      throw new TypeError(
        `${name}: ${a} and ${b} must both be periodic or neither, got ${sides[a].kind} and ${sides[b].kind}`,
      )
    }
  }
  return Object.freeze(sides)
}

/** The node spacing across a side. */
const spacingAcross = (grid: Grid, side: SideName) => (side === 'left' || side === 'right' ? grid.dx : grid.dy)

/** The ghost rule of every side; throws a RangeError if a rule's coefficients are not finite. */
export function ghostRules(grid: Grid, sides: Sides, diffusivity: number): Readonly<Record<SideName, GhostRule>> {
  const rule = (side: SideName) => sides[side].ghost(spacingAcross(grid, side), diffusivity, `options.boundary.${side}`)
  return Object.freeze({ left: rule('left'), right: rule('right'), bottom: rule('bottom'), top: rule('top') })
}

/** The nodes of a side: (i, j) and position (x, y). */
export function sideNodes(grid: Grid, side: SideName): { i: number; j: number; x: number; y: number }[] {
  const { nx, ny, dx, dy } = grid
  const along = side === 'left' || side === 'right' ? ny : nx
  return Array.from({ length: along }, (_, k) => {
    const [i, j] = side === 'left' ? [0, k] : side === 'right' ? [nx - 1, k] : side === 'bottom' ? [k, 0] : [k, ny - 1]
    return { i, j, x: i * dx, y: j * dy }
  })
}

/**
 * The largest heat-transfer coefficient h of the sides across x (left, right) and across y (bottom,
 * top): 0 without Robin sides; an h given as a function counts with its values at t = 0.
 */
export function transferAcross(grid: Grid, sides: Sides): { x: number; y: number } {
  const h = (name: SideName) => {
    const side = sides[name]
    if (side.transfer !== undefined || side.transferAt === undefined) return side.transfer ?? 0
    return sideNodes(grid, name).reduce((m, p) => Math.max(m, side.transferAt!(p.x, p.y, 0)), 0)
  }
  return { x: Math.max(h('left'), h('right')), y: Math.max(h('bottom'), h('top')) }
}

/** Some side's data are functions of (x, y, t). */
export const anyVarying = (sides: Sides): boolean => kSideNames.some((s) => sides[s].varying === true)

/** The evolving node columns and rows (inclusive ranges): fixed sides' nodes do not evolve. */
export interface Evolving {
  readonly firstColumn: number
  readonly lastColumn: number
  readonly firstRow: number
  readonly lastRow: number
}

export function evolvingNodes(grid: Grid, sides: Sides): Evolving {
  const fixed = (side: Side) => (side.fixed ? 1 : 0)
  return {
    firstColumn: fixed(sides.left),
    lastColumn: grid.nx - 1 - fixed(sides.right),
    firstRow: fixed(sides.bottom),
    lastRow: grid.ny - 1 - fixed(sides.top),
  }
}

/** Evolving nodes per step: the count behind "updates per second". */
export function evolvingCount(grid: Grid, sides: Sides): number {
  const e = evolvingNodes(grid, sides)
  return (e.lastColumn - e.firstColumn + 1) * (e.lastRow - e.firstRow + 1)
}

/** (a + b) / 2, without overflowing for values beyond half the largest double (same bits otherwise). */
const mean = (a: number, b: number) => (Number.isFinite(a + b) ? (a + b) / 2 : a / 2 + b / 2)

/**
 * The values of the fixed sides' nodes at time t, passed to `set(i, j, value)`; where two fixed sides
 * meet, the corner takes their mean. `only` limits it to the sides whose data vary.
 */
export function fixedValues(
  grid: Grid,
  sides: Sides,
  t: number,
  set: (i: number, j: number, v: number) => void,
  only = false,
): void {
  const { nx, ny, dx, dy } = grid
  const use = (side: Side) => side.fixed && (!only || side.varying === true)
  const valueOf = (side: Side, i: number, j: number) => side.valueAt?.(i * dx, j * dy, t) ?? side.value
  const put = (i: number, j: number, side: Side) => {
    if (use(side)) set(i, j, valueOf(side, i, j))
  }
  for (let j = 0; j < ny; j++) [put(0, j, sides.left), put(nx - 1, j, sides.right)]
  for (let i = 0; i < nx; i++) [put(i, 0, sides.bottom), put(i, ny - 1, sides.top)]
  for (const [i, j, a, b] of [
    [0, 0, 'left', 'bottom'],
    [nx - 1, 0, 'right', 'bottom'],
    [0, ny - 1, 'left', 'top'],
    [nx - 1, ny - 1, 'right', 'top'],
  ] as const) {
    const [sa, sb] = [sides[a], sides[b]]
    if (sa.fixed && sb.fixed && (use(sa) || use(sb))) set(i, j, mean(valueOf(sa, i, j), valueOf(sb, i, j)))
  }
}

/**
 * Sets the nodes of fixed sides to their values at time t; `index` maps node (i, j) to its place in
 * `field` (row-major nx·ny by default; a padded field passes its own).
 */
export function applyFixed(
  grid: Grid,
  sides: Sides,
  field: Float64Array,
  index = (i: number, j: number) => j * grid.nx + i,
  t = 0,
): void {
  fixedValues(grid, sides, t, (i, j, v) => (field[index(i, j)] = v))
}
