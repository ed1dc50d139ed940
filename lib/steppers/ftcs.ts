/**
 * Explicit FTCS, the 'explicit' method: u′ = u + rx·(u_w − 2u + u_e) + ry·(u_s − 2u + u_n) [+ dt·f],
 * rx = α·dt/dx² (in 3D + rz·(u_b − 2u + u_f) before the source, over bands of planes); for a variable
 * diffusivity the conservative form with rx = dt/dx² (see model/faces.ts).
 * One phase per step (plain), or k steps per pass over memory (temporal blocking, see blocking.ts).
 */
import { evolvingNodes } from '../model/boundary/index.js'
import { coefficients } from '../model/equation.js'
import { needsFaces } from '../model/faces.js'
import { is3d } from '../model/grid.js'
import { blocking } from './blocking.js'
import type { Schedule, Stepper } from './schedule.js'

export const ftcs: Stepper = {
  method: 'explicit',

  stencil(problem, dt) {
    const { grid, ghosts } = problem
    const e = evolvingNodes(grid, problem.sides)
    const faces = needsFaces(problem.diffusivityField, problem.sides, 'explicit')
    const { rx, ry, rz } = coefficients(grid, faces ? 1 : problem.diffusivity, dt)
    const spec = {
      nx: grid.nx,
      first: e.firstColumn,
      last: e.lastColumn,
      rx,
      ry,
      dt,
      left: ghosts.left,
      right: ghosts.right,
    }
    if (!is3d(grid)) return spec
    const { bottom, top } = ghosts
    return { ...spec, plane: { ny: grid.ny, firstRow: e.firstRow, lastRow: e.lastRow, rz, bottom, top } }
  },

  schedule(problem, bands): Schedule {
    const { k, tile } = blocking(problem, bands)
    return Object.freeze({
      name: k > 1 ? 'blocked' : 'plain',
      steps: k,
      barriers: k > 1 ? 2 : 1,
      swaps: true,
      bands: bands.map((_, p) => ({
        k,
        tile,
        below: p > 0,
        aboveEnd: p + 1 < bands.length ? bands[p + 1].end : null,
      })),
    })
  },
}
