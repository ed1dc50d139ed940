/**
 * Named initial states for the CLI and examples, on the rectangle [0, lx] × [0, ly] (or the box
 * [0, lx] × [0, ly] × [0, lz] of a 3D grid), with values in [0, 1]. Positions are relative (x/lx, y/ly,
 * z/lz), so every preset fits any extent. And named scenarios (`--preset`): sets of flag values.
 */
import type { FieldInit } from '../api/types.js'

export const kPresets = ['hotspot', 'sine', 'ring', 'square', 'random', 'zero'] as const
export type Preset = (typeof kPresets)[number]

export interface PresetGrid {
  nx: number
  ny: number
  lx: number
  ly: number
  /** A 3D grid: nodes and extent along z. */
  nz?: number
  lz?: number
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
 * The initial state `name` (on a 3D grid the same shapes in the box: a ball, a product of three sines, a
 * spherical shell, a cube):
 * - `hotspot`: a Gaussian bump of width 0.05 (relative) at the centre, peak 1;
 * - `sine`: sin(πx/lx)·sin(πy/ly), the slowest-decaying mode under zero Dirichlet sides;
 * - `ring`: a Gaussian ring of radius 0.3 and width 0.04 around the centre;
 * - `square`: 1 inside the middle half of each axis, 0 outside;
 * - `random`: independent uniform values in [0, 1) at every node, reproducible from `seed`;
 * - `zero`: 0 everywhere (a body at rest, heated through its sides or a source).
 */
export function preset(name: Preset, grid: PresetGrid, seed = 1): FieldInit {
  const { lx, ly } = grid
  const depth = grid.nz !== undefined && grid.nz > 1 ? (grid.lz ?? 1) : undefined
  const dz = (z: number) => (depth === undefined ? 0 : (z / depth - 0.5) ** 2)
  const r2 = (x: number, y: number, z: number) => (x / lx - 0.5) ** 2 + (y / ly - 0.5) ** 2 + dz(z)
  const zSine = (z: number) => (depth === undefined ? 1 : Math.sin((Math.PI * z) / depth))
  const inside = (v: number) => Math.abs(v - 0.5) <= 0.25
  switch (name) {
    case 'hotspot':
      return (x, y, z) => Math.exp(-r2(x, y, z) / (2 * 0.05 ** 2))
    case 'sine':
      return (x, y, z) => Math.sin((Math.PI * x) / lx) * Math.sin((Math.PI * y) / ly) * zSine(z)
    case 'ring':
      return (x, y, z) => Math.exp(-((Math.sqrt(r2(x, y, z)) - 0.3) ** 2) / (2 * 0.04 ** 2))
    case 'square':
      return (x, y, z) => (inside(x / lx) && inside(y / ly) && (depth === undefined || inside(z / depth)) ? 1 : 0)
    case 'random': {
      const next = uniform(seed)
      return Float64Array.from({ length: grid.nx * grid.ny * (grid.nz ?? 1) }, next)
    }
    case 'zero':
      return 0
  }
}

/**
 * Scenarios for `calor run --preset NAME`: the flag values they stand for (any flag typed as well wins).
 * - `hot-cube`: a unit cube of 49³ nodes, a Gaussian ball of heat at its centre, every face held at 0;
 * - `heat-sink`: a block 1 × 1 × 0.25 (61 × 61 × 16 nodes) at rest whose base (the back face, z = 0) is
 *   held at 1, the chip below it, while every other face loses heat to ambient 0 by convection (Robin, h = 4).
 */
export const kScenarios: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'hot-cube': { nx: '49', ny: '49', nz: '49', lz: '1', initial: 'hotspot', boundary: 'dirichlet:0', steps: '400' },
  'heat-sink': {
    ...{ nx: '61', ny: '61', nz: '16', lx: '1', ly: '1', lz: '0.25', initial: 'zero', steps: '2000' },
    ...{ boundary: 'robin:4:0', back: 'dirichlet:1' },
  },
}
