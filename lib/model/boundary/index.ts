/**
 * Boundary conditions: the registry of kinds (one module each, found by their `type`), the parser of
 * `options.boundary`, and what the sides mean for the field as a whole: which nodes evolve, the values
 * fixed nodes hold (corners included), and the ghost rule of each side.
 */
import { checkKeys, fail, isPlainObject } from '../../options/check.js'
import { type Grid, is3d } from '../grid.js'
import { dirichlet } from './dirichlet.js'
import { type AnySideName, type BoundaryKind, kSideNames, kSideNames3d, type Side, type SideName } from './kind.js'
import { neumann } from './neumann.js'
import { periodic } from './periodic.js'
import { robin } from './robin.js'
import type { GhostRule } from './rule.js'

export {
  type AnySideName,
  type BoundaryKind,
  kSideNames,
  kSideNames3d,
  type Side,
  type SideName,
  type ZSideName,
} from './kind.js'
export type { GhostRule } from './rule.js'

/** The four sides of the plane, and in 3D back and front too (absent in 2D). */
export type Sides = Readonly<Record<SideName, Side>> & { readonly back?: Side; readonly front?: Side }
/** What the fixed values of the sides are made of (plain data when no side's data vary). */
export type FixedSide = Pick<Side, 'fixed' | 'value' | 'varying' | 'valueAt'>
export type FixedSides = Readonly<Record<SideName, FixedSide>> & {
  readonly back?: FixedSide
  readonly front?: FixedSide
}
/** Each side's ghost rule, as `Sides`. */
export type GhostRules = Readonly<Record<SideName, GhostRule>> & {
  readonly back?: GhostRule
  readonly front?: GhostRule
}

/** Every kind, by its `type`. A new kind is registered here and nowhere else. */
export const kBoundaryKinds: ReadonlyMap<string, BoundaryKind> = new Map(
  [dirichlet, neumann, robin, periodic].map((kind) => [kind.type, kind]),
)

const kDefaultSide = Object.freeze({ type: 'dirichlet', value: 0 })
const kAxes = [
  ['left', 'right'],
  ['bottom', 'top'],
  ['back', 'front'],
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

/**
 * Parses one side condition for all sides, or `{ left, right, bottom, top }` (and `back`, `front` on a
 * 3D grid, where side data given as functions take (x, y, z, t)).
 */
export function parseBoundary(value: unknown, threeD = false): Sides {
  const name = 'options.boundary'
  const names = threeD ? kSideNames3d : kSideNames
  let sides: Partial<Record<AnySideName, Side>> = {}
  if (value === undefined || (isPlainObject(value) && 'type' in value)) {
    const side = parseSide(name, value ?? kDefaultSide)
    for (const n of names) sides[n] = side
  } else {
    const list = names.join(', ')
    if (!isPlainObject(value)) return fail(name, `a side condition or { ${list} }`, value)
    checkKeys(name, value, names)
    sides = Object.fromEntries(names.map((n) => [n, parseSide(`${name}.${n}`, value[n])]))
  }
  for (const [a, b] of kAxes) {
    const [sa, sb] = [sides[a], sides[b]]
    if (sa !== undefined && sb !== undefined && sa.wraps !== sb.wraps) {
      throw new TypeError(`${name}: ${a} and ${b} must both be periodic or neither, got ${sa.kind} and ${sb.kind}`)
    }
  }
  return Object.freeze(sides) as Sides
}

/** The node spacing across a side. */
function spacingAcross(grid: Grid, side: AnySideName): number {
  if (side === 'left' || side === 'right') return grid.dx
  return side === 'bottom' || side === 'top' ? grid.dy : grid.dz
}

/** The ghost rule of every side; throws a RangeError if a rule's coefficients are not finite. */
export function ghostRules(grid: Grid, sides: Sides, diffusivity: number): GhostRules {
  const rule = (side: AnySideName) =>
    sides[side]!.ghost(spacingAcross(grid, side), diffusivity, `options.boundary.${side}`)
  const plane = { left: rule('left'), right: rule('right'), bottom: rule('bottom'), top: rule('top') }
  return Object.freeze(is3d(grid) ? { ...plane, back: rule('back'), front: rule('front') } : plane)
}

/** A node of a side: (i, j, k) and position (x, y, z); k = z = 0 in 2D. */
export interface SideNode {
  readonly i: number
  readonly j: number
  readonly k: number
  readonly x: number
  readonly y: number
  readonly z: number
}

/** The nodes of a side (of a face of the box in 3D), in the order of the padded field. */
export function sideNodes(grid: Grid, side: AnySideName): SideNode[] {
  const { nx, ny, nz, dx, dy, dz } = grid
  const fix = (n: number, high: boolean) => (high ? n - 1 : 0)
  const out: SideNode[] = []
  const push = (i: number, j: number, k: number) => out.push({ i, j, k, x: i * dx, y: j * dy, z: k * dz })
  for (let k = 0; k < nz; k++) {
    if (side === 'back' || side === 'front') {
      if (k !== fix(nz, side === 'front')) continue
      for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) push(i, j, k)
    } else if (side === 'left' || side === 'right') {
      for (let j = 0; j < ny; j++) push(fix(nx, side === 'right'), j, k)
    } else for (let i = 0; i < nx; i++) push(i, fix(ny, side === 'top'), k)
  }
  return out
}

/**
 * The largest heat-transfer coefficient h of the sides across x (left, right), across y (bottom, top)
 * and across z (back, front; 0 in 2D): 0 without Robin sides; an h given as a function counts with its
 * values at t = 0.
 */
export function transferAcross(grid: Grid, sides: Sides): { x: number; y: number; z: number } {
  const h = (name: AnySideName) => {
    const side = sides[name]
    if (side === undefined) return 0
    if (side.transfer !== undefined || side.transferAt === undefined) return side.transfer ?? 0
    const z = (p: SideNode) => (is3d(grid) ? p.z : undefined)
    return sideNodes(grid, name).reduce((m, p) => Math.max(m, side.transferAt!(p.x, p.y, 0, z(p))), 0)
  }
  return { x: Math.max(h('left'), h('right')), y: Math.max(h('bottom'), h('top')), z: Math.max(h('back'), h('front')) }
}

/** Some side's data are functions of (x, y, t). */
export const anyVarying = (sides: Sides): boolean => kSideNames.some((s) => sides[s].varying === true)

/** The evolving node columns, rows and planes (inclusive ranges): fixed sides' nodes do not evolve. */
export interface Evolving {
  readonly firstColumn: number
  readonly lastColumn: number
  readonly firstRow: number
  readonly lastRow: number
  /** Planes along z: 0…0 in 2D. */
  readonly firstPlane: number
  readonly lastPlane: number
}

export function evolvingNodes(grid: Grid, sides: Sides): Evolving {
  const fixed = (side: Side | undefined) => (side?.fixed === true ? 1 : 0)
  return {
    firstColumn: fixed(sides.left),
    lastColumn: grid.nx - 1 - fixed(sides.right),
    firstRow: fixed(sides.bottom),
    lastRow: grid.ny - 1 - fixed(sides.top),
    firstPlane: fixed(sides.back),
    lastPlane: grid.nz - 1 - fixed(sides.front),
  }
}

/** Evolving nodes per step: the count behind "updates per second". */
export function evolvingCount(grid: Grid, sides: Sides): number {
  const e = evolvingNodes(grid, sides)
  return (e.lastColumn - e.firstColumn + 1) * (e.lastRow - e.firstRow + 1) * (e.lastPlane - e.firstPlane + 1)
}

/** (a + b) / 2, without overflowing for values beyond half the largest double (same bits otherwise). */
export const mean = (a: number, b: number) => (Number.isFinite(a + b) ? (a + b) / 2 : a / 2 + b / 2)

/**
 * The values of the fixed sides' nodes at time t, passed to `set(i, j, value, k)` (k = 0 in 2D); where
 * two fixed sides meet, the corner takes their mean (three at a corner of a box). `only` limits it to the
 * nodes of sides whose data vary.
 */
export function fixedValues(
  grid: Grid,
  sides: FixedSides,
  t: number,
  set: (i: number, j: number, v: number, k: number) => void,
  only = false,
): void {
  if (is3d(grid)) return fixedValues3d(grid, sides, t, set, only)
  const { nx, ny, dx, dy } = grid
  const use = (side: FixedSide) => side.fixed && (!only || side.varying === true)
  const valueOf = (side: FixedSide, i: number, j: number) => side.valueAt?.(i * dx, j * dy, t) ?? side.value
  const put = (i: number, j: number, side: FixedSide) => {
    if (use(side)) set(i, j, valueOf(side, i, j), 0)
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
    if (sa.fixed && sb.fixed && (use(sa) || use(sb))) set(i, j, mean(valueOf(sa, i, j), valueOf(sb, i, j)), 0)
  }
}

/**
 * Sets the nodes of fixed sides to their values at time t; `index` maps node (i, j) (and k in 3D) to its
 * place in `field` (the unpadded layout by default; a padded field passes its own).
 */
export function applyFixed(
  grid: Grid,
  sides: Sides,
  field: Float64Array,
  index = (i: number, j: number, k = 0) => (k * grid.ny + j) * grid.nx + i,
  t = 0,
): void {
  fixedValues(grid, sides, t, (i, j, v, k) => (field[index(i, j, k)] = v))
}

/**
 * The fixed values of a 3D grid: a node on one fixed side takes its value, on an edge or corner where
 * two or three fixed sides meet, their mean.
 */
function fixedValues3d(
  grid: Grid,
  sides: FixedSides,
  t: number,
  set: (i: number, j: number, v: number, k: number) => void,
  only: boolean,
): void {
  const { nx, ny, nz, dx, dy, dz } = grid
  const visit = (i: number, j: number, k: number) => {
    const on: number[] = []
    let varying = false
    const add = (side: FixedSide | undefined, at: boolean) => {
      if (!at || side?.fixed !== true) return
      on.push(side.valueAt?.(i * dx, j * dy, t, k * dz) ?? side.value)
      varying ||= side.varying === true
    }
    add(sides.left, i === 0)
    add(sides.right, i === nx - 1)
    add(sides.bottom, j === 0)
    add(sides.top, j === ny - 1)
    add(sides.back, k === 0)
    add(sides.front, k === nz - 1)
    if (on.length === 0 || (only && !varying)) return
    const v = on.length === 1 ? on[0] : on.length === 2 ? mean(on[0], on[1]) : on[0] / 3 + on[1] / 3 + on[2] / 3
    set(i, j, v, k)
  }
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const surface = k === 0 || k === nz - 1 || j === 0 || j === ny - 1
      if (surface) for (let i = 0; i < nx; i++) visit(i, j, k)
      else [visit(0, j, k), visit(nx - 1, j, k)]
    }
  }
}
