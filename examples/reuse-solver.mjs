// A Solver keeps its workers between calls: advance, look at the field, advance again.
// Run: node examples/reuse-solver.mjs
import { Solver } from 'calor'

const solver = await Solver.create({
  grid: { nx: 201, ny: 101, lx: 2, ly: 1 },
  initial: (x, y) => Math.exp(-50 * ((x - 0.5) ** 2 + (y - 0.5) ** 2)),
  boundary: {
    left: { type: 'dirichlet', value: 0 },
    right: { type: 'dirichlet', value: 0 },
    bottom: { type: 'neumann', flux: 0 },
    top: { type: 'neumann', flux: 0 },
  },
})

try {
  for (const tEnd of [0.01, 0.02, 0.05, 0.1]) {
    await solver.advance({ tEnd })
    const u = solver.field()
    console.log(
      `t = ${solver.t.toFixed(3)}  step ${solver.step}  max u = ${u.reduce((a, b) => Math.max(a, b)).toFixed(5)}`,
    )
  }
} finally {
  await solver.close() // workers exit; with Node 22+, `await using solver = …` does this for you
}
