/**
 * Paired cells: a form that varies in time against the same problem constant in time, native,
 * interleaved run by run on the same grid (the ratio is what counts on a shared machine).
 *
 * - `npm run bench -- --physics separable`: the separable source { shape, scale } against the same
 *   shape as a source constant in time. It costs one call of scale(t) per step, evaluated ahead into the
 *   shared weight ring, and should run within 10% of the constant source.
 * - `npm run bench -- --physics sides`: side data given as functions of (x, y, t), a Dirichlet value on
 *   the left and then a Neumann flux on the right, against the same sides as numbers. The main thread
 *   evaluates them into the side ring ahead of the workers (one call per side node per step); a
 *   varying Neumann side also takes the conservative kernel (per-cell ghost coefficients).
 */
import { Solver } from 'calor'

import { summarize } from './matrix.mjs'

const shape = (x, y) => 1e-3 * (1 + x * y)

/** The separable pair: [constant in time, varying in time]. */
function separableOptions(nodes, threads, separable) {
  return {
    grid: { nx: nodes, ny: nodes },
    initial: 1,
    boundary: { type: 'dirichlet', value: 1 },
    source: separable ? { shape, scale: (t) => 1 + Math.sin(t) } : shape,
    backend: 'native',
    threads,
  }
}

/** The sides pair: `which` of the left Dirichlet value and the right Neumann flux are functions of t. */
function sidesOptions(nodes, threads, which) {
  const value = which === 'dirichlet' ? (x, y, t) => 1 + 0.1 * Math.sin(t + y) : 1
  const flux = which === 'neumann' ? (x, y, t) => 0.1 * Math.cos(t + y) : 0.1
  const zero = { type: 'dirichlet', value: 0 }
  return {
    grid: { nx: nodes, ny: nodes },
    initial: 0,
    boundary: { left: { type: 'dirichlet', value }, right: { type: 'neumann', flux }, bottom: zero, top: zero },
    backend: 'native',
    threads,
  }
}

/** Each comparison: its label, the two forms' names and options. */
const kPairs = {
  separable: [['constant source', 'separable', (n, t, varying) => separableOptions(n, t, varying)]],
  sides: [
    ['sides as numbers', 'Dirichlet value of t', (n, t, varying) => sidesOptions(n, t, varying ? 'dirichlet' : '')],
    ['sides as numbers', 'Neumann flux of t', (n, t, varying) => sidesOptions(n, t, varying ? 'neumann' : '')],
  ],
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

/** One line per size, thread count and pair: MLUP/s of each form and their ratio (medians of interleaved runs). */
export async function runSeparable(config, print, kind = 'separable') {
  for (const nodes of config.sizes) {
    for (const threads of config.threads) {
      for (const [constantName, varyingName, options] of kPairs[kind]) {
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
          const [constant, varying] = rates.map((list) => summarize(list).median)
          const ratio = (varying / constant).toFixed(2)
          print(
            `${nodes}² native ${threads} thr: ${constantName} ${constant.toFixed(0)} MLUP/s, ${varyingName} ${varying.toFixed(0)} MLUP/s, ratio ${ratio}`,
          )
        } finally {
          await Promise.allSettled(solvers.map((s) => s.close()))
        }
      }
    }
  }
}
