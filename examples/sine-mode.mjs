// The fundamental sine mode on the unit square decays as exp(-2π²αt): solve and compare.
// Run: node examples/sine-mode.mjs
import { solve } from 'calor'

const n = 129
const result = await solve({
  grid: { nx: n, ny: n },
  diffusivity: 0.5,
  initial: (x, y) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
  boundary: { type: 'dirichlet', value: 0 },
  tEnd: 0.1,
})

const centre = result.field[((n - 1) / 2) * n + (n - 1) / 2]
const exact = Math.exp(-2 * Math.PI ** 2 * 0.5 * result.t)
console.log(`t = ${result.t} after ${result.steps} steps of ${result.dt.toExponential(3)}`)
console.log(`u(0.5, 0.5) = ${centre.toFixed(8)}, exact ${exact.toFixed(8)}, error ${(centre - exact).toExponential(2)}`)
console.log(`${(result.stats.updatesPerSecond / 1e6).toFixed(0)} M updates/s on ${result.stats.threads} threads`)
