/**
 * Named initial states for the CLI and examples, on the rectangle [0, lx] × [0, ly], with values
 * in [0, 1]. Positions are relative (x/lx, y/ly), so every preset fits any extent.
 */
import type { FieldInit } from '../api/types.js'

export const kPresets = ['hotspot', 'sine', 'ring', 'square', 'random'] as const
export type Preset = (typeof kPresets)[number]

export interface PresetGrid {
  nx: number
  ny: number
  lx: number
  ly: number
}

/** Uniform values in [0, 1) from a 32-bit seed (the mulberry32 generator): the same seed, the same field. */
function uniform(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 15), z | 1)
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61)
    return ((z ^ (z >>> 14)) >>> 0) / 2 ** 32
  }
}

/**
 * The initial state `name`:
 * - `hotspot`: a Gaussian bump of width 0.05 (relative) at the centre, peak 1;
 * - `sine`: sin(πx/lx)·sin(πy/ly), the slowest-decaying mode under zero Dirichlet sides;
 * - `ring`: a Gaussian ring of radius 0.3 and width 0.04 around the centre;
 * - `square`: 1 inside the middle half of each axis, 0 outside;
 * - `random`: independent uniform values in [0, 1) at every node, reproducible from `seed`.
 */
export function preset(name: Preset, grid: PresetGrid, seed = 1): FieldInit {
  const { lx, ly } = grid
  const r2 = (x: number, y: number) => (x / lx - 0.5) ** 2 + (y / ly - 0.5) ** 2
  switch (name) {
    case 'hotspot':
      return (x, y) => Math.exp(-r2(x, y) / (2 * 0.05 ** 2))
    case 'sine':
      return (x, y) => Math.sin((Math.PI * x) / lx) * Math.sin((Math.PI * y) / ly)
    case 'ring':
      return (x, y) => Math.exp(-((Math.sqrt(r2(x, y)) - 0.3) ** 2) / (2 * 0.04 ** 2))
    case 'square':
      return (x, y) => (Math.abs(x / lx - 0.5) <= 0.25 && Math.abs(y / ly - 0.5) <= 0.25 ? 1 : 0)
    case 'random': {
      const next = uniform(seed)
      return Float64Array.from({ length: grid.nx * grid.ny }, next)
    }
  }
}
