/**
 * `npm run bench -- --physics separable`: the separable source { shape, scale } against the same shape
 * as a source constant in time, native, interleaved run by run on the same grid (the ratio is what
 * counts on a shared machine). The separable form costs one call of scale(t) per step, evaluated ahead
 * into the shared weight ring, and should run within 10% of the constant source.
 */
import { Solver } from 'calor'

import { summarize } from './matrix.mjs'

const shape = (x, y) => 1e-3 * (1 + x * y)

function options(nodes, threads, separable) {
  return {
    grid: { nx: nodes, ny: nodes },
    initial: 1,
    boundary: { type: 'dirichlet', value: 1 },
    source: separable ? { shape, scale: (t) => 1 + Math.sin(t) } : shape,
    backend: 'native',
    threads,
  }
}

async function timed(solver, steps) {
  const started = performance.now()
  await solver.advance({ steps })
  return (performance.now() - started) / 1000
}

/** Steps that take about `seconds` on this solver. */
async function calibrate(solver, seconds) {
  let steps = 16
  for (;;) {
    const took = await timed(solver, steps)
    if (took >= seconds / 4) return Math.max(1, Math.round((steps * seconds) / took))
    steps *= 4
  }
}

/** One line per size: MLUP/s of each form and their ratio (medians of interleaved runs). */
export async function runSeparable(config, print) {
  for (const nodes of config.sizes) {
    for (const threads of config.threads) {
      const solvers = [
        await Solver.create(options(nodes, threads, false)),
        await Solver.create(options(nodes, threads, true)),
      ]
      try {
        const steps = await calibrate(solvers[0], config.seconds)
        await timed(solvers[1], steps)
        const rates = [[], []]
        for (let r = 0; r < config.repeats; r++) {
          for (const k of [0, 1]) rates[k].push(((nodes - 2) ** 2 * steps) / (await timed(solvers[k], steps)) / 1e6)
        }
        const [constant, separable] = rates.map((list) => summarize(list).median)
        const ratio = (separable / constant).toFixed(2)
        print(
          `${nodes}² native ${threads} thr: constant source ${constant.toFixed(0)} MLUP/s, separable ${separable.toFixed(0)} MLUP/s, separable/constant ${ratio}`,
        )
      } finally {
        await Promise.allSettled(solvers.map((s) => s.close()))
      }
    }
  }
}
