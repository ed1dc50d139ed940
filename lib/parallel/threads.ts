/**
 * The default thread count, for options that give no `threads`: one worker per core, but never more than
 * the grid can keep busy. Every step ends at a barrier, and on a small grid a step is a few microseconds
 * per thread, so a second thread saves less than the barrier costs, and far less than a worker loses when
 * the machine is busy and it is descheduled (the others wait for it at every step). Each worker therefore
 * gets at least kNodesPerThread nodes: below 2 × kNodesPerThread (256² nodes) the default is one thread.
 * `npm run bench -- --crossover` measures where a second native thread starts to pay; on the loaded
 * 2-core development machine two threads ran at 0.13–0.33× of one up to 66², 0.5–0.8× at 98²–194² and
 * 0.74–1.18× from 258² up (about 1.0× at 1026²–2050²), where an idle machine gives them 1.7–1.8× (see
 * the README's Performance section).
 * The thread count never changes the result.
 */
import os from 'node:os'

/** Nodes per worker below which another worker is not worth its barrier (see above). */
export const kNodesPerThread = 32_768

/** The threads a grid of `nodes` nodes gets by default on a machine with `cores` cores (at least 1). */
export function defaultThreads(nodes: number, cores = os.availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.floor(nodes / kNodesPerThread)))
}
