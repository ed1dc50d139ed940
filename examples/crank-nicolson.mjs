// Crank–Nicolson takes steps far beyond the explicit limit, and runs straight to a steady state.
// Run: node examples/crank-nicolson.mjs
import { solve } from 'calor'

const grid = { nx: 1025, ny: 1025 }
const mode = (x, y) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y)

// The sine mode to t = 0.1 in 50 steps (explicit FTCS needs about 466 000 on this grid).
const run = await solve({ grid, initial: mode, method: 'crank-nicolson', tEnd: 0.1, dt: 0.002 })
const centre = run.field[512 * 1025 + 512]
const exact = Math.exp(-2 * Math.PI ** 2 * 0.1)
console.log(
  `t = ${run.t} in ${run.steps} steps, ${run.stats.seconds.toFixed(2)} s: u(½, ½) = ${centre}, exact ${exact}`,
)

// A plate heated by a source, its edges held at 0: the steady state.
const steady = await solve({ grid, source: mode, method: 'crank-nicolson', until: { steady: 1e-7 } })
console.log(
  `steady after ${steady.steps} steps (residual ${steady.residual.toExponential(1)}), u(½, ½) = ${steady.field[512 * 1025 + 512]}`,
)
console.log(`(the exact continuous answer is 1/(2π²) = ${1 / (2 * Math.PI ** 2)})`)
