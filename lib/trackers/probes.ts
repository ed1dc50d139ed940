/**
 * Probes as a tracker: at the first state, every `every` steps and the last state, it interpolates u
 * bilinearly at each probe's point from the four nodes around it, and keeps the time series. A state is
 * sampled once even when it is seen twice (the end of one advance and the start of the next).
 */
import type { ProbesResult } from '../api/types.js'
import type { ProbesConfig, ProbeStencil } from '../options/probes.js'
import type { Snapshot, Tracker } from './tracker.js'

/** u at a probe: the bilinear blend of its four nodes (exactly the node's value when the point is one). */
export function interpolate(u: (i: number, j: number) => number, p: ProbeStencil): number {
  const { i0, i1, j0, j1, wx, wy } = p
  const below = wx === 0 ? u(i0, j0) : (1 - wx) * u(i0, j0) + wx * u(i1, j0)
  if (wy === 0) return below
  const above = wx === 0 ? u(i0, j1) : (1 - wx) * u(i0, j1) + wx * u(i1, j1)
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
    const { step, t, kind } = snapshot
    if (step === this.#lastStep) return
    if (kind === 'step' && step % this.#config.every !== 0) return
    this.#lastStep = step
    this.#steps.push(step)
    this.#times.push(t)
    // In place: four reads per probe, instead of a copy of the whole field per sample.
    this.#config.probes.forEach((p, k) => this.#values[k].push(interpolate(snapshot.value, p)))
  }

  /** A copy of the series so far. */
  result(): ProbesResult {
    const series = this.#config.probes.map(({ x, y }, k) => ({ x, y, values: [...this.#values[k]] }))
    return { steps: [...this.#steps], t: [...this.#times], series }
  }
}
