/**
 * The factored line systems of the ADI steppers (Peaceman–Rachford in 2D, steppers/adi.ts; Douglas–Gunn
 * in 3D, steppers/dg.ts): the Thomas algorithm's pivots for an axis between two sides, Sherman–Morrison's
 * correction for a periodic one, and the split of node columns (or rows) into one block per worker.
 */
import type { LineAxis, LineEnd } from '../backends/lines.js'
import type { GhostRule, Side } from '../model/boundary/index.js'
import type { Band } from '../parallel/partition.js'

/** The pivots and modified upper coefficients of a tridiagonal matrix (Thomas algorithm, no pivoting). */
function factor(lower: number[], diag: number[], up: number[]): { inv: number[]; upper: number[] } {
  const m = diag.length
  const inv = new Array<number>(m)
  const upper = new Array<number>(m)
  for (let k = 0; k < m; k++) {
    const pivot = k === 0 ? diag[0] : diag[k] - lower[k] * upper[k - 1]
    inv[k] = 1 / pivot
    upper[k] = up[k] * inv[k]
  }
  return { inv, upper }
}

/** Solves the factored system for d (the kernels' sweeps, written plainly). */
function sweep(lower: number[], inv: number[], upper: number[], d: number[]): number[] {
  const m = d.length
  const x = new Array<number>(m)
  for (let k = 0; k < m; k++) x[k] = k === 0 ? d[0] * inv[0] : (d[k] - lower[k] * x[k - 1]) * inv[k]
  for (let k = m - 2; k >= 0; k--) x[k] = x[k] - upper[k] * x[k + 1]
  return x
}

/** A periodic axis of n nodes: the cyclic system, by Sherman–Morrison with γ = −(the diagonal). */
export function cyclicAxis(n: number, half: number): LineAxis {
  const centre = 1 + 2 * half
  const gamma = -centre
  const lower = Array.from({ length: n }, (_, k) => (k === 0 ? 0 : -half))
  const up = Array.from({ length: n }, (_, k) => (k === n - 1 ? 0 : -half))
  const diag = new Array<number>(n).fill(centre)
  diag[0] = centre - gamma
  diag[n - 1] = centre - (half * half) / gamma
  const { inv, upper } = factor(lower, diag, up)
  const u = new Array<number>(n).fill(0)
  ;[u[0], u[n - 1]] = [gamma, -half]
  const z = sweep(lower, inv, upper, u)
  const q = -half / gamma
  const scale = 1 / (1 + z[0] + q * z[n - 1])
  const end: LineEnd = { fixed: false, term: 0 }
  return { first: 0, count: n, half, lower, inv, upper, low: end, high: end, cyclic: { z, q, scale } }
}

/** An end's matrix terms: a fixed neighbour couples like an interior one; a mirror ghost a·u₁ + b·u₀ + c folds in. */
function endOf(side: Side, rule: GhostRule, half: number): { end: LineEnd; off: number; diag: number } {
  if (side.fixed || rule.kind !== 'mirror')
    return { end: { fixed: side.fixed, term: 0 }, off: -half, diag: 1 + 2 * half }
  return { end: { fixed: false, term: half * rule.c }, off: -half - half * rule.a, diag: 1 + 2 * half - half * rule.b }
}

/** The factored line system of an axis from node `first` to `last` between two sides. */
export function lineAxis(
  first: number,
  last: number,
  half: number,
  sides: [Side, Side],
  rules: [GhostRule, GhostRule],
) {
  const m = last - first + 1
  const [low, high] = [endOf(sides[0], rules[0], half), endOf(sides[1], rules[1], half)]
  const lower = Array.from({ length: m }, (_, k) => (k === 0 ? 0 : k === m - 1 ? high.off : -half))
  const up = Array.from({ length: m }, (_, k) => (k === m - 1 ? 0 : k === 0 ? low.off : -half))
  const diag = Array.from({ length: m }, () => 1 + 2 * half)
  diag[0] = low.diag
  if (m > 1) diag[m - 1] = high.diag
  const { inv, upper } = factor(lower, diag, up)
  return { first, count: m, half, lower, inv, upper, low: low.end, high: high.end, cyclic: null }
}

/** Splits the evolving columns into one block per worker (a block may be empty when columns are few). */
export function columnBlocks(first: number, last: number, parts: number): Band[] {
  const n = last - first + 1
  return Array.from({ length: parts }, (_, p) =>
    Object.freeze({ start: first + Math.floor((p * n) / parts), end: first + Math.floor(((p + 1) * n) / parts) }),
  )
}
