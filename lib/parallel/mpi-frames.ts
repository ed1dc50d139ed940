/**
 * PNG frames of an MPI run: at every frame step (the first, every `every` steps and the last, as in one
 * process) every rank sends its owned rows to rank 0 (MPI_Gatherv), and rank 0 hands the whole field
 * to an ordinary frames tracker. The frames, their colour range and frames.json are the bytes one
 * process writes. A gather per frame costs the whole field's transfer: choose `every` accordingly.
 */
import { allocateShared } from '../model/field.js'
import { paddedIndex } from '../model/grid.js'
import type { MpiComm } from './mpi-comm.js'
import type { Problem } from '../options/problem.js'
import { framesTrackers } from '../trackers/frames.js'
import type { Snapshot, Tracker } from '../trackers/tracker.js'

export interface MpiFrames {
  /** The next frame step after `step` (the same on every rank). */
  nextStep(step: number): number
  /** Collective: gathers `owned` (this rank's owned rows) to rank 0, which writes the frame. */
  observe(kind: Snapshot['kind'], step: number, t: number, owned: Float64Array, run: Snapshot['run']): Promise<void>
  /** Rank 0 writes frames.json (and the animation). */
  close(): Promise<void>
}

/** The whole initial field's min and max (what a 'fixed' range is), from every rank's owned rows. */
function initialRange(comm: MpiComm, owned: Float64Array): Float64Array {
  let [lo, hi] = [Infinity, -Infinity]
  for (const v of owned) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)]
  return Float64Array.of(comm.addon.allreduce(lo, 'min'), comm.addon.allreduce(hi, 'max'))
}

/**
 * The frames of `problem` (the whole grid's), or undefined without `frames`. Collective. Rank 0 creates
 * the directory; if it cannot, every rank throws (one MPI_Allreduce), before any step.
 */
export async function mpiFrames(
  comm: MpiComm,
  problem: Problem,
  dt: number,
  ownedInitial: Float64Array,
): Promise<MpiFrames | undefined> {
  const config = problem.frames
  if (config === undefined) return undefined
  // The tracker takes its 'fixed' colour range from the min and max of the (padded) initial field: a
  // field holding the whole grid's min everywhere and its max at one node gives the same range.
  const [lo, hi] = initialRange(comm, ownedInitial)
  const initial = allocateShared(problem.grid).fill(lo)
  initial[paddedIndex(problem.grid, 0, 0)] = hi
  const root = comm.info.rank === 0
  let tracker: Tracker | undefined
  let failure: unknown
  try {
    if (root) tracker = (await framesTrackers({ ...problem, initial }))[0]
  } catch (error) {
    failure = error
  }
  const failed = comm.addon.allreduce(failure === undefined ? 0 : 1, 'max')
  if (failure !== undefined) throw failure
  if (failed > 0) throw new Error('frames: rank 0 cannot write the frames (its error says why); no rank ran')
  const { nx, ny } = problem.grid
  return {
    nextStep: (step) => (Math.floor(step / config.every) + 1) * config.every,
    async observe(kind, step, t, owned, run) {
      const whole = root ? new Float64Array(nx * ny) : null
      comm.addon.gatherv(owned, 0, whole)
      const field = () => whole!
      const value = (i: number, j: number) => whole![j * nx + i]
      await tracker?.observe({ step, t, dt, grid: problem.grid, kind, run, field, value })
    },
    close: async () => tracker?.close?.(),
  }
}
