/**
 * The control block shared by the solver and its workers: one Int32Array on a SharedArrayBuffer, one
 * slot each. The layout is defined here and in crate/src/sync/ (the addon exports it as controlLayout(),
 * and a test compares the two). Every access is an Atomics operation, sequentially consistent.
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
/**
 * Raised by a worker whose band became non-finite in this round (a step, or a native temporal block); the
 * releaser then stops everyone. Its value is 1 + the steps of the round after the earliest step that went
 * non-finite (1: the round's last step); workers keep the largest.
 */
export const kNonFinite = 5
/** Threads asleep on the generation word (used by the native barrier; see crate/src/sync/). */
export const kSleepers = 6
/** The number of workers in the run, written once at creation; the native loop refuses a block that disagrees. */
export const kParties = 7
/** Slots in the control block. */
export const kControlSlots = 8

/** Stop decisions. */
export const kGo = 0
export const kStopAfterStep = 1
export const kAbortNow = 2

/** A new control block for a run of `parties` workers. */
export function createControlBlock(parties: number): Int32Array {
  const control = new Int32Array(new SharedArrayBuffer(kControlSlots * Int32Array.BYTES_PER_ELEMENT))
  Atomics.store(control, kParties, parties)
  return control
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

/**
 * Control blocks whose workers may still be running. When the process exits (process.exit, an uncaught
 * exception) Node terminates the workers one by one; a worker waiting at a native barrier for a peer
 * that was terminated first would never return and the exit would hang joining it. The 'exit' hook runs
 * before any worker is terminated and abandons every live barrier, so each waiter leaves within a wait
 * slice and returns to JS, where termination takes effect.
 */
const liveBlocks = new Set<Int32Array>()
let exitHookInstalled = false

/** Registers a control block with the exit hook until `release` is called. */
export function trackControlBlock(control: Int32Array): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', () => {
      for (const block of liveBlocks) abandon(block)
    })
  }
  liveBlocks.add(control)
  return () => void liveBlocks.delete(control)
}
