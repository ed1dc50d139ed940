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
