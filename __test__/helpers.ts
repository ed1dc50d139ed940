/** Shared test helpers: the backends and thread counts every physics test runs over. */
export const kBackends = ['native', 'js'] as const
export const kThreadCounts = [1, 2, 3, 4] as const

/** Every (backend, threads) pair, for `describe.each` / `it.each`. */
export const kMatrix = kBackends.flatMap((backend) => kThreadCounts.map((threads) => ({ backend, threads })))

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]))
  return m
}

/** True if the two arrays hold identical bits (so +0 and −0 differ, and NaNs compare by payload). */
export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length)
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length)
  return x.every((v, k) => v === y[k])
}

/** Backends, threads and blocking depths a problem must give the same bits on (the first is the reference). */
const kBitTargets = [
  ['js', 1, 1],
  ['native', 1, 1],
  ['native', 2, 3],
  ['native', 3, 4],
  ['js', 3, 1],
] as const

/** A backend, thread count and blocking depth to solve on. */
export interface BitTarget {
  backend: (typeof kBackends)[number]
  threads: number
  temporalBlocking: number
}

/**
 * Solves with `run` on one js worker, then natively on 1–3 threads and blocking depths and on three js
 * workers, and names the targets whose field differs from the first in any bit (an empty list passes).
 * Throws if the first field is not finite (a test of bits must compare real values).
 */
export async function bitDifferences(run: (target: BitTarget) => Promise<{ field: Float64Array }>): Promise<string[]> {
  const fields: Float64Array[] = []
  for (const [backend, threads, temporalBlocking] of kBitTargets) {
    fields.push((await run({ backend, threads, temporalBlocking })).field)
  }
  if (!fields[0].every(Number.isFinite)) throw new Error('the reference field is not finite')
  return kBitTargets.slice(1).flatMap((t, k) => (sameBits(fields[k + 1], fields[0]) ? [] : [t.join(' ')]))
}

/** A ghost rule as the kernels take it (NapiGhostRule / lib's GhostRule). */
export interface Rule {
  kind: 'none' | 'mirror' | 'wrap'
  a: number
  b: number
  c: number
}

/** ghost = inside − offset (a Neumann side's rule), as the kernels' mirror rule. */
export const mirrorRule = (offset: number): Rule => ({ kind: 'mirror', a: 1, b: 0, c: -offset })

/**
 * The rule of a (kind, offset) pair as the kernel tests describe ghosts: 0 none, 1 mirror (ghost =
 * inside − offset), 2 wrap. Any other kind is passed through, for the kernels to refuse.
 */
export function ruleOf(kind: number, offset: number): Rule {
  if (kind === 0) return { kind: 'none', a: 0, b: 0, c: 0 }
  if (kind === 1) return mirrorRule(offset)
  if (kind === 2) return { kind: 'wrap', a: 0, b: 0, c: 0 }
  return { kind: kind as never, a: 1, b: 0, c: -offset }
}

/** A stencil with its ghosts given as (kind, offset) pairs. */
export interface PairStencil {
  nx: number
  first: number
  last: number
  rx: number
  ry: number
  dt: number
  leftKind: number
  leftOffset: number
  rightKind: number
  rightOffset: number
}

/** The kernels' stencil for a PairStencil. */
export function stencilOf(s: PairStencil) {
  const { leftKind, leftOffset, rightKind, rightOffset, ...rest } = s
  return { ...rest, left: ruleOf(leftKind, leftOffset), right: ruleOf(rightKind, rightOffset) }
}
