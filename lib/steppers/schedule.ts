/**
 * A Schedule: the phases of one round of a run (a step, or a temporal block of k steps) and the barriers
 * between them, as the stepper planned them. The gang only counts barrier releases with it; each worker
 * hands its own part (BandSchedule) to the kernel's loop.
 *
 * - plain FTCS: one phase (step the band, refresh its ghost rows), one barrier per step;
 * - temporal blocking: a wavefront phase and a valley phase, two barriers per k steps.
 */

/** One worker's part: k steps per round, and where its band meets the others (blocking needs it). */
export interface BandSchedule {
  readonly k: number
  /** Another band ends just below this one. */
  readonly below: boolean
  /** The end row of the band just above, or null if none. */
  readonly aboveEnd: number | null
}

export interface Schedule {
  readonly name: 'plain' | 'blocked'
  /** Steps one round advances. */
  readonly steps: number
  /** Barrier releases per round. */
  readonly barriers: number
  /** Per worker, in band order. */
  readonly bands: readonly BandSchedule[]
}

/** Steps every worker has completed after `releases` barrier releases since a run began. */
export function stepsAfter(schedule: Schedule, releases: number): number {
  return Math.floor(releases / schedule.barriers) * schedule.steps
}
