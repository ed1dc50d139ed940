/**
 * Probes as a tracker: at the first state, every `every` steps and the last state, it interpolates u
 * bilinearly at each probe's point from the four nodes around it, and keeps the time series. A state is
 * sampled once even when it is seen twice (the end of one advance and the start of the next).
 */
import type { ProbesResult } from '../api/types.js'
import type { ProbesConfig, ProbeStencil } from '../options/probes.js'
import type { Snapshot, Tracker } from './tracker.js'

/** u at a probe: the bilinear blend of its four nodes (exactly the node's value when the point is one). */
export function interpolate(field: Float64Array, nx: number, p: ProbeStencil): number {
  const { i0, i1, j0, j1, wx, wy } = p
  const below = wx === 0 ? field[j0 * nx + i0] : (1 - wx) * field[j0 * nx + i0] + wx * field[j0 * nx + i1]
  if (wy === 0) return below
  const above = wx === 0 ? field[j1 * nx + i0] : (1 - wx) * field[j1 * nx + i0] + wx * field[j1 * nx + i1]
  return (1 - wy) * below + wy * above
}

export class ProbesTracker implements Tracker {
  readonly #config: ProbesConfig
  readonly #steps: number[] = []
  readonly #times: number[] = []
  readonly #values: number[][]
  #lastStep = -1

  constructor(config: ProbesConfig) {
    this.#config = config
    this.#values = config.probes.map(() => [])
  }

  nextStep(step: number): number {
    const { every } = this.#config
    return (Math.floor(step / every) + 1) * every
  }

  observe(snapshot: Snapshot): void {
    const { step, t, kind, grid } = snapshot
    if (step === this.#lastStep) return
    if (kind === 'step' && step % this.#config.every !== 0) return
    this.#lastStep = step
    const field = snapshot.field()
    this.#steps.push(step)
    this.#times.push(t)
    this.#config.probes.forEach((p, k) => this.#values[k].push(interpolate(field, grid.nx, p)))
  }

  /** A copy of the series so far. */
  result(): ProbesResult {
    const series = this.#config.probes.map(({ x, y }, k) => ({ x, y, values: [...this.#values[k]] }))
    return { steps: [...this.#steps], t: [...this.#times], series }
  }
}
