// A block on a hot chip: the base (z = 0) is held at 1, every other face loses heat to ambient 0 by
// convection, −∂u/∂n = h·u. Run it to its steady state, draw the middle y slice and probe the top.
// Run: node examples/heat-sink-3d.mjs   (frames in ./out-heat-sink)
import { solve } from 'calor'

const cooled = { type: 'robin', h: 4, ambient: 0 }
const result = await solve({
  grid: { nx: 41, ny: 41, nz: 17, lx: 1, ly: 1, lz: 0.4 },
  initial: 0,
  boundary: {
    left: cooled,
    right: cooled,
    bottom: cooled,
    top: cooled,
    back: { type: 'dirichlet', value: 1 },
    front: cooled,
  },
  until: { steady: 1e-6 },
  frames: { dir: 'out-heat-sink', every: 500, slice: { axis: 'y' } },
  probes: {
    points: [
      { x: 0.5, y: 0.5, z: 0.4 },
      { x: 0, y: 0, z: 0.4 },
    ],
    every: 1000,
  },
})

const [centre, corner] = result.probes.series.map((s) => s.values.at(-1))
const { nx, ny, nz, steps, residual } = result
console.log(`steady after ${steps} steps (residual ${residual.toExponential(2)}) on a ${nx}×${ny}×${nz} grid`)
console.log(`top face: u = ${centre.toFixed(4)} above the chip's centre, ${corner.toFixed(4)} at a corner`)
