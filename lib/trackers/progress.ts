/**
 * The `onProgress` option as a tracker: it asks for a snapshot about every kProgressSeconds of wall time
 * (the first after a fixed amount of work) and reports after every chunk of steps the solver ran,
 * including chunks that ended for another tracker, and once at the end of each advance.
 */
import type { Progress } from '../api/types.js'
import type { Snapshot, Tracker } from './tracker.js'

/** Target wall time between progress reports. */
const kProgressSeconds = 0.1
/** Node updates before the first report, before the rate is known. */
const kFirstUpdates = 1e7

export class ProgressTracker implements Tracker {
  readonly #onProgress: (progress: Progress) => void
  readonly #firstChunk: number
  #chunk = 1

  /** `updatesPerStep`: evolving nodes, to size the first chunk. */
  constructor(onProgress: (progress: Progress) => void, updatesPerStep: number) {
    this.#onProgress = onProgress
    this.#firstChunk = Math.max(1, Math.floor(kFirstUpdates / updatesPerStep))
  }

  nextStep(step: number): number {
    return step + this.#chunk
  }

  observe(snapshot: Snapshot): void {
    const { firstStep, steps, seconds } = snapshot.run
    if (snapshot.kind === 'start') {
      this.#chunk = this.#firstChunk
      return
    }
    const done = snapshot.step - firstStep
    if (snapshot.kind === 'end' && steps === 0) return
    this.#onProgress({ step: done, steps, t: snapshot.t, seconds } satisfies Progress)
    this.#chunk = Math.max(1, Math.round((kProgressSeconds * done) / Math.max(seconds, 1e-6)))
  }
}
