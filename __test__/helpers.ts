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
