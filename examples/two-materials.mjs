// A plate of two materials (copper-like on the left, steel-like on the right) that cools into the air
// through its top edge, with a heater under its left half that switches on at t = 0.02.
// Run: node examples/two-materials.mjs
import { Solver } from 'calor'

const nx = 129
const ny = 65
const solver = await Solver.create({
  grid: { nx, ny, lx: 2, ly: 1 },
  // Nodal diffusivity; faces between the two materials take the harmonic mean.
  diffusivity: (x) => (x < 1 ? 1 : 0.15),
  initial: 0,
  boundary: {
    left: { type: 'neumann' },
    right: { type: 'neumann' },
    bottom: { type: 'neumann' },
    top: { type: 'robin', h: 2, ambient: 0 }, // −α ∂u/∂n = h·(u − ambient)
  },
  // One call of `scale` per step: the heater's power in time, times its shape in space.
  source: { shape: (x, y) => (x < 1 && y < 0.2 ? 50 : 0), scale: (t) => (t < 0.02 ? 0 : 1) },
})
try {
  for (const t of [0.02, 0.05, 0.1, 0.2]) {
    await solver.advance({ tEnd: t })
    const u = solver.field()
    const at = (x, y) => u[Math.round(y * (ny - 1)) * nx + Math.round((x / 2) * (nx - 1))]
    console.log(`t = ${t}: u at (0.5, 0.5) = ${at(0.5, 0.5).toFixed(4)}, at (1.5, 0.5) = ${at(1.5, 0.5).toFixed(4)}`)
  }
} finally {
  await solver.close()
}
