// A 512 × 512 plate whose edges are held at 0, warmed by four heat sources of different sizes and
// powers. Writes PNG frames, an animated PNG (animation.png) and frames.json into ./out and prints
// the speed.
//
//   npm start            (or: node examples/demo.mjs)
import path from 'node:path'

import { solve } from 'calor'

// Heat sources on the 1 × 1 plate: centre (x, y), radius, and power (heat per unit time), spread as a Gaussian.
const sources = [
  { x: 0.3, y: 0.7, radius: 0.04, power: 2.5 },
  { x: 0.7, y: 0.6, radius: 0.07, power: 3.5 },
  { x: 0.6, y: 0.25, radius: 0.03, power: 2 },
  { x: 0.2, y: 0.2, radius: 0.02, power: 1.5 },
]
const heating = (x, y) =>
  sources.reduce((f, { x: cx, y: cy, radius: r, power }) => {
    return f + (power / (2 * Math.PI * r * r)) * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))
  }, 0)

const out = path.resolve('out')
const result = await solve({
  grid: { nx: 512, ny: 512 },
  diffusivity: 1,
  initial: 0,
  source: heating,
  boundary: { type: 'dirichlet', value: 0 }, // cold edges
  tEnd: 0.05,
  frames: { dir: out, every: 1000, colormap: 'inferno', range: [0, 1], animation: true },
})

const { seconds, updatesPerSecond, threads, backend } = result.stats
const hottest = result.field.reduce((a, b) => Math.max(a, b))
console.log(`${result.steps} steps of 512 × 512 to t = ${result.t} in ${seconds.toFixed(1)} s`)
console.log(`${(updatesPerSecond / 1e6).toFixed(0)} M updates/s (${backend} backend, ${threads} threads)`)
console.log(`hottest point: ${hottest.toFixed(3)}`)
console.log(`frames, frames.json and animation.png (open it in a browser) in ${out}`)
