/**
 * Public types of the domain: the grid and the boundary conditions on its sides (re-exported by
 * types.ts, which holds the rest of the options).
 */

/** The grid: nodes per axis and physical extents. */
export interface GridOptions {
  /** Nodes along x (columns), an integer ≥ 3. */
  nx: number
  /** Nodes along y (rows), an integer ≥ 3. */
  ny: number
  /** Extent along x. @default 1 */
  lx?: number
  /** Extent along y. @default 1 */
  ly?: number
  /**
   * Nodes along z (planes): 1 (the default) is a 2D grid, otherwise an integer ≥ 3, and then `lz` is
   * required. In 3D node (i, j, k) of every array is at (k·ny + j)·nx + i, shape (nz, ny, nx). @default 1
   */
  nz?: number
  /** Extent along z; required with nz ≥ 3. */
  lz?: number
}

/**
 * Side data: a number, or a function of the boundary node's position and the time, (x, y, t) on a 2D
 * grid and (x, y, z, t) on a 3D one. The boundary nodes (and ghosts) of the state at t_{n+1} take the
 * data at t_{n+1}; a function costs one call per boundary node per step, on the main thread.
 */
export type SideDatum = number | ((x: number, y: number, zOrT: number, t?: number) => number)

/** Boundary nodes hold `value`. */
export interface DirichletSide {
  type: 'dirichlet'
  /** @default 0 */
  value?: SideDatum
}

/** The outward flux −α ∂u/∂n is `flux` (0 = insulated); boundary nodes evolve through a mirrored ghost node. */
export interface NeumannSide {
  type: 'neumann'
  /** @default 0 */
  flux?: SideDatum
}

/** The axis wraps: node n−1 is followed by node 0, and the spacing is l/n. Both sides of the axis must say so. */
export interface PeriodicSide {
  type: 'periodic'
}

/**
 * Convective: −α ∂u/∂n = h·(u − ambient), h ≥ 0 (0 = insulated); boundary nodes evolve through a mirrored
 * ghost node. It tightens the stability limit by 2h/Δ (see `dt`).
 */
export interface RobinSide {
  type: 'robin'
  /** The heat-transfer coefficient h ≥ 0. */
  h: SideDatum
  /** @default 0 */
  ambient?: SideDatum
}

export type SideBoundary = DirichletSide | NeumannSide | RobinSide | PeriodicSide

/**
 * One condition for all sides, or one per side (`left` x = 0, `right` x = lx, `bottom` y = 0, `top` y = ly,
 * and on a 3D grid `back` z = 0, `front` z = lz). On a 3D grid side data are numbers.
 */
export type Boundary =
  | SideBoundary
  | { left: SideBoundary; right: SideBoundary; bottom: SideBoundary; top: SideBoundary }
  | {
      left: SideBoundary
      right: SideBoundary
      bottom: SideBoundary
      top: SideBoundary
      back: SideBoundary
      front: SideBoundary
    }
