/**
 * A reusable generation-counting barrier on the control block (see control.ts for the slots). The js
 * backend's workers meet here; the native backend runs the same protocol in crate/src/sync/.
 */
import {
  kAbandoned,
  kAbortNow,
  kArrived,
  kGeneration,
  kNonFinite,
  kStopAfterStep,
  kStopDecision,
  kStopRequest,
} from './control.js'

/** Polls before sleeping: a step on a small grid is shorter than a futex round trip. */
const kSpinIterations = 4000

/** Thrown by `wait()` in the surviving workers when a peer has failed. */
export class BarrierAbandoned extends Error {
  override name = 'BarrierAbandoned'
}

export class Barrier {
  constructor(
    private readonly control: Int32Array,
    private readonly parties: number,
  ) {}

  /**
   * Waits until all parties have arrived; returns the decision every party sees: kGo, kStopAfterStep,
   * or kAbortNow (the step just attempted is dropped). With two field buffers one barrier per step is
   * enough: after it, every write of the step is visible to every reader of the next, and nobody
   * writes the buffer others are still reading.
   */
  wait(): number {
    const c = this.control
    // The generation must be read before arriving: once we have arrived the releaser may bump it, and
    // we would then wait for a generation that never comes.
    const generation = Atomics.load(c, kGeneration)
    if (Atomics.add(c, kArrived, 1) === this.parties - 1) {
      // Last to arrive. Reset the count before releasing, so an early thread of the next step counts
      // from zero; publish the stop decision before the release, so everyone sees the same one. All
      // Atomics are sequentially consistent, so these stores are visible to whoever sees the new generation.
      // A party that skipped work saw the abort request before it arrived, so this read sees it too.
      Atomics.store(c, kArrived, 0)
      const request = Atomics.load(c, kStopRequest)
      const nonFinite = Atomics.load(c, kNonFinite) !== 0
      Atomics.store(c, kStopDecision, request === kAbortNow ? kAbortNow : nonFinite ? kStopAfterStep : request)
      Atomics.add(c, kGeneration, 1)
      Atomics.notify(c, kGeneration)
    } else {
      this.sleepWhile(generation)
    }
    if (Atomics.load(c, kAbandoned) === 1) throw new BarrierAbandoned('a peer worker failed')
    return Atomics.load(c, kStopDecision)
  }

  private sleepWhile(generation: number): void {
    const c = this.control
    for (let k = 0; k < kSpinIterations; k++) if (Atomics.load(c, kGeneration) !== generation) return
    // Atomics.wait returns at once if the slot no longer holds `generation`, so a release between the
    // load above and the wait is not lost.
    while (Atomics.load(c, kGeneration) === generation) Atomics.wait(c, kGeneration, generation)
  }
}
