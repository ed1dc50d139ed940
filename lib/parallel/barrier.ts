/**
 * The control block shared by the solver and its workers, and a reusable generation-counting barrier
 * on it. Layout of the Int32Array (one slot each):
 */
/** Bumped by the thread that releases the barrier; waiters sleep on it. */
export const kGeneration = 0
/** Threads arrived in the current generation. */
export const kArrived = 1
/**
 * Set by the main thread: kStopAfterStep = stop after the step in progress; kAbortNow = abort: workers
 * skip the rest of the step in progress and meet at the barrier, which drops that step.
 */
export const kStopRequest = 2
/** Published by the releasing thread: kGo, kStopAfterStep or kAbortNow. */
export const kStopDecision = 3
/** Set to 1 when a worker has failed: nobody will arrive again, so waiters leave at once. */
export const kAbandoned = 4
/** Set by a worker whose band became non-finite in this step; the releaser then stops everyone. */
export const kNonFinite = 5
/** Threads asleep on the generation word (used by the native barrier; see crate/src/sync.rs). */
export const kSleepers = 6
/** Slots in the control block (crate/src/sync.rs uses the same layout). */
export const kControlSlots = 8

/** Stop decisions. */
export const kGo = 0
export const kStopAfterStep = 1
export const kAbortNow = 2

/** Polls before sleeping: a step on a small grid is shorter than a futex round trip. */
const kSpinIterations = 4000

/** Thrown by `wait()` in the surviving workers when a peer has failed. */
export class BarrierAbandoned extends Error {
  override name = 'BarrierAbandoned'
}

export function createControlBlock(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(kControlSlots * Int32Array.BYTES_PER_ELEMENT))
}

/**
 * Marks the barrier abandoned and wakes every waiter. Bumping the generation (not only setting the
 * flag) matters: a waiter that checked the flag just before it was set would otherwise go to sleep on
 * an unchanged generation and miss the notify.
 */
export function abandon(control: Int32Array): void {
  Atomics.store(control, kAbandoned, 1)
  Atomics.add(control, kGeneration, 1)
  Atomics.notify(control, kGeneration)
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
      Atomics.store(c, kStopDecision, request === kAbortNow ? kAbortNow : request | Atomics.load(c, kNonFinite))
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
