// A wall whose surface temperature swings with the day: u(0, t) = sin(ωt). The swing reaches into the wall
// as a damped wave, u = e^(−x/δ)·sin(ωt − x/δ) with the skin depth δ = √(2α/ω) (a semi-infinite wall). The
// side's value is a function of t: the main thread writes it into the side ring ahead of the workers.
// Run: node examples/daily-wave.mjs
import { solve } from 'calor'

const alpha = 0.01
const omega = 2 * Math.PI // one period per unit of time
const delta = Math.sqrt((2 * alpha) / omega)
const [nx, lx] = [401, 0.5] // about nine skin depths: the insulated far side is out of reach
const dx = lx / (nx - 1)
const depths = [1, 2, 3].map((k) => k * delta)
const { probes, stats } = await solve({
  grid: { nx, ny: 3, lx, ly: 2 * dx },
  diffusivity: alpha,
  initial: 0,
  boundary: {
    left: { type: 'dirichlet', value: (_x, _y, t) => Math.sin(omega * t) },
    right: { type: 'neumann' },
    bottom: { type: 'neumann' },
    top: { type: 'neumann' },
  },
  tEnd: 6, // six periods: the start-up transient has died away
  probes: { points: depths.map((x) => ({ x, y: dx })), every: 50 },
})
// The swing over the last period at each depth, against the damped wave's e^(−x/δ).
const last = probes.t.map((t, k) => [t, k]).filter(([t]) => t >= 5)
for (const [p, x] of depths.entries()) {
  const values = last.map(([, k]) => probes.series[p].values[k])
  const swing = (Math.max(...values) - Math.min(...values)) / 2
  console.log(
    `x = ${(x / delta).toFixed(0)}δ: swing ${swing.toFixed(4)}, e^(−x/δ) = ${Math.exp(-x / delta).toFixed(4)}`,
  )
}
console.log(`${(stats.updatesPerSecond / 1e6).toFixed(0)} M updates/s (${stats.backend}, ${stats.threads} threads)`)
