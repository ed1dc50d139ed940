/**
 * The honest baseline for the js kernel: the best straightforward JavaScript loop of Calor's formula,
 * `u + rx·((w − 2u) + e) + ry·((s − 2u) + n)`, on the same problem as a matrix cell (an N×N interior with
 * a fixed boundary): one function, two Float64Arrays swapped after each step, no allocation per row or
 * step, and the finite check Calor makes (x − x is 0 for a finite x), folded into the loop. The js
 * backend on one thread should be within 15% of it (issue 17). Run in the bench's main thread, right
 * after each timed run of the js 1-thread cell, so that their ratio compares runs made at the same moment.
 */

/** The padded (N + 2)² field of a matrix cell: 1 + sin(πx)·sin(πy) inside, 1 on the boundary. */
function initialField(n) {
  const stride = n + 2
  const u = new Float64Array(stride * stride).fill(1)
  const h = 1 / (n + 1)
  for (let j = 1; j <= n; j++) {
    for (let i = 1; i <= n; i++) u[j * stride + i] = 1 + Math.sin(Math.PI * i * h) * Math.sin(Math.PI * j * h)
  }
  return u
}

/**
 * `steps` FTCS steps of the N×N interior, `a` the source of the first; returns whether every value stayed
 * finite. The whole loop: the baseline is this one function.
 */
export function bestLoop(a, b, n, steps, rx, ry) {
  const stride = n + 2
  let finite = 0
  let [src, dst] = [a, b]
  for (let step = 0; step < steps; step++) {
    for (let row = stride; row <= n * stride; row += stride) {
      for (let c = row + 1; c <= row + n; c++) {
        const u = src[c]
        const v = u + rx * (src[c - 1] - 2 * u + src[c + 1]) + ry * (src[c - stride] - 2 * u + src[c + stride])
        dst[c] = v
        finite += v - v
      }
    }
    ;[src, dst] = [dst, src]
  }
  return finite === 0
}

/** α·dt/h² of the runs: stable (≤ 1/4); the rate does not depend on it. */
const kRatio = 0.2

/** A baseline runner for an N×N interior, its buffers made once: `run(steps)` → seconds. */
export function bestLoopRunner(n, rx = kRatio, ry = kRatio) {
  const a = initialField(n)
  const b = new Float64Array(a)
  return (steps) => {
    const started = performance.now()
    if (!bestLoop(a, b, n, steps, rx, ry)) throw new Error('the JS baseline loop went non-finite')
    return (performance.now() - started) / 1000
  }
}
