/**
 * PNG frames and VTK files of an MPI run: at every step either asks for (the first, every `every` steps
 * and the last, as in one process) every rank sends its owned rows to rank 0 (MPI_Gatherv), and rank 0
 * hands the whole field to ordinary frames and VTK trackers, each of which keeps the steps it wants. The
 * frames, their colour range, frames.json, the .vti files and the .pvd are the bytes one process writes.
 * A gather costs the whole field's transfer: choose `every` accordingly.
 */
import { allocateShared } from '../model/field.js'
import { paddedIndex } from '../model/grid.js'
import type { MpiComm } from './mpi-comm.js'
import type { Problem } from '../options/problem.js'
import { framesTrackers } from '../trackers/frames.js'
import type { Snapshot, Tracker } from '../trackers/tracker.js'
import { vtkTrackers } from '../trackers/vtk.js'

export interface MpiFrames {
  /** The next frame step after `step` (the same on every rank). */
  nextStep(step: number): number
  /** Collective: gathers `owned` (this rank's owned rows) to rank 0, which writes the frame and/or VTK file. */
  observe(kind: Snapshot['kind'], step: number, t: number, owned: Float64Array, run: Snapshot['run']): Promise<void>
  /** Rank 0 writes frames.json (and the animation) and finishes the last VTK file. */
  close(): Promise<void>
}

/** The whole initial field's min and max (what a 'fixed' range is), from every rank's owned rows. */
function initialRange(comm: MpiComm, owned: Float64Array): Float64Array {
  let [lo, hi] = [Infinity, -Infinity]
  for (const v of owned) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)]
  return Float64Array.of(comm.addon.allreduce(lo, 'min'), comm.addon.allreduce(hi, 'max'))
}

/**
 * Rank 0's frames and VTK trackers for the whole grid. The frames tracker takes its 'fixed' colour range
 * from the min and max of the (padded) initial field: a field holding the whole grid's min everywhere and
 * its max at one node gives the same range. Collective (the range is reduced over every rank).
 */
async function rootTrackers(comm: MpiComm, problem: Problem, ownedInitial: Float64Array): Promise<Tracker[]> {
  let initial = problem.initial
  if (problem.frames !== undefined) {
    const [lo, hi] = initialRange(comm, ownedInitial)
    initial = allocateShared(problem.grid).fill(lo)
    initial[paddedIndex(problem.grid, 0, 0)] = hi
  }
  if (comm.info.rank !== 0) return []
  return [...(await framesTrackers({ ...problem, initial })), ...(await vtkTrackers(problem))]
}

/**
 * The frames and VTK files of `problem` (the whole grid's), or undefined without either. Collective. Rank
 * 0 creates the directories; if it cannot, every rank throws (one MPI_Allreduce), before any step.
 */
export async function mpiFrames(
  comm: MpiComm,
  problem: Problem,
  dt: number,
  ownedInitial: Float64Array,
): Promise<MpiFrames | undefined> {
  const every = [problem.frames?.every, problem.vtk?.every].filter((e) => e !== undefined)
  if (every.length === 0) return undefined
  let trackers: Tracker[] = []
  let failure: unknown
  try {
    trackers = await rootTrackers(comm, problem, ownedInitial)
  } catch (error) {
    failure = error
  }
  const failed = comm.addon.allreduce(failure === undefined ? 0 : 1, 'max')
  if (failure !== undefined) throw failure
  if (failed > 0)
    throw new Error('frames: rank 0 cannot write the frames or VTK files (its error says why); no rank ran')
  const { nx, ny } = problem.grid
  return {
    nextStep: (step) => Math.min(...every.map((e) => (Math.floor(step / e) + 1) * e)),
    async observe(kind, step, t, owned, run) {
      const whole = comm.info.rank === 0 ? new Float64Array(nx * ny) : null
      comm.addon.gatherv(owned, 0, whole)
      const field = () => whole!
      const value = (i: number, j: number) => whole![j * nx + i]
      for (const tracker of trackers)
        await tracker.observe({ step, t, dt, grid: problem.grid, kind, run, field, value })
    },
    close: async () => {
      for (const tracker of trackers) await tracker.close?.()
    },
  }
}
