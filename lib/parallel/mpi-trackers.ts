/**
 * What rank 0 writes of an MPI run, made by the ordinary trackers on the whole field: PNG frames, VTK
 * files and checkpoints. The steps they ask for are agreed by every rank (one MPI_Allreduce each time); at each,
 * every rank sends its owned rows (planes in 3D) to rank 0 (MPI_Gatherv), which shows its trackers the whole field. So
 * the frames, frames.json, the .vti files, u.pvd and checkpoint files are the bytes one process writes. A checkpoint is the
 * whole field and resumes on any number of ranks, or in one process: rank 0 reads it, checks it against
 * the options and broadcasts the saved state (the file needs to exist on rank 0's host only). A gather
 * costs the whole field's transfer: choose `every` accordingly.
 */
import { allocateShared, packField } from '../model/field.js'
import { nodeCountOf, nodeIndex } from '../model/grid.js'
import type { Problem, StartState } from '../options/problem.js'
import { planRun } from '../trackers/checkpoint.js'
import { framesTrackers } from '../trackers/frames.js'
import type { Snapshot, Tracker } from '../trackers/tracker.js'
import { vtkTrackers } from '../trackers/vtk.js'
import type { MpiComm } from './mpi-comm.js'

export interface MpiTrackers {
  /** Collective: the next step after `step` that any of rank 0's trackers wants, on every rank. */
  nextStep(step: number): number
  /** Collective: gathers `owned` (this rank's owned rows or planes) to rank 0, whose trackers see the whole field. */
  observe(kind: Snapshot['kind'], step: number, t: number, owned: Float64Array, run: Snapshot['run']): Promise<void>
  /** Rank 0's trackers close (frames.json, the animation, the last VTK file). */
  close(): Promise<void>
}

/** The owned units of the initial field and of the source (null for none): rows of nx values, planes of nx·ny. */
export interface OwnedFields {
  readonly initial: Float64Array
  readonly source: Float64Array | null
}

/** The whole field on rank 0, halo-padded (what a Problem's fields are), from every rank's owned units. */
function gatherPadded(comm: MpiComm, problem: Problem, owned: Float64Array): Float64Array | null {
  const whole = comm.info.rank === 0 ? new Float64Array(nodeCountOf(problem.grid)) : null
  comm.addon.gatherv(owned, 0, whole)
  if (whole === null) return null
  const padded = allocateShared(problem.grid)
  packField(problem.grid, whole, padded)
  return padded
}

/** Rank 0's trackers and saved state; any failure there ends every rank before a step (one Allreduce). */
async function onRoot<T>(comm: MpiComm, make: () => Promise<T>): Promise<T | undefined> {
  let made: T | undefined
  let failure: unknown
  try {
    if (comm.info.rank === 0) made = await make()
  } catch (error) {
    failure = error
  }
  const failed = comm.addon.allreduce(failure === undefined ? 0 : 1, 'max')
  if (failure !== undefined) throw failure
  if (failed > 0) {
    throw new Error('rank 0 cannot write the frames or the checkpoint, or resume (its error says why); no rank ran')
  }
  return made
}

/** The saved state of a resumed run on every rank: the step, t and the whole field, broadcast from rank 0. */
function broadcastStart(comm: MpiComm, problem: Problem, start: StartState | undefined): StartState {
  const when = Float64Array.of(start?.step ?? 0, start?.t ?? 0)
  comm.addon.bcast(when, 0)
  const field = start?.field ?? new Float64Array(nodeCountOf(problem.grid))
  comm.addon.bcast(field, 0)
  return { field, step: when[0], t: when[1] }
}

/**
 * Collective. Rank 0's trackers for `problem` (the whole grid's, time step `dt`), or undefined when it asks
 * for no frames, VTK files or checkpoints, and the saved state when it resumes.
 */
export async function mpiTrackers(
  comm: MpiComm,
  problem: Problem,
  dt: number,
  owned: OwnedFields,
): Promise<{ trackers: MpiTrackers | undefined; start: StartState | undefined }> {
  const outputs = [problem.frames, problem.vtk, problem.checkpoint, problem.resume]
  if (outputs.every((output) => output === undefined)) {
    return { trackers: undefined, start: undefined }
  }
  // Checkpoints hash the whole initial field and source, and 'fixed' frames take the initial range.
  const initial = gatherPadded(comm, problem, owned.initial)
  const source = owned.source === null ? null : gatherPadded(comm, problem, owned.source)
  const made = await onRoot(comm, async () => {
    const whole: Problem = { ...problem, dt, initial: initial!, source }
    const plan = await planRun(whole)
    const vtk = await vtkTrackers(whole, plan.start?.step)
    return { trackers: [...(await framesTrackers(whole)), ...vtk, ...plan.trackers], start: plan.start }
  })
  const start = problem.resume === undefined ? undefined : broadcastStart(comm, problem, made?.start)
  return { trackers: gathering(comm, problem, dt, made?.trackers ?? []), start }
}

function gathering(comm: MpiComm, problem: Problem, dt: number, trackers: Tracker[]): MpiTrackers {
  const { grid } = problem
  const root = comm.info.rank === 0
  return {
    nextStep: (step) => comm.addon.allreduce(Math.min(Infinity, ...trackers.map((t) => t.nextStep(step))), 'min'),
    async observe(kind, step, t, owned, run) {
      const whole = root ? new Float64Array(nodeCountOf(grid)) : null
      comm.addon.gatherv(owned, 0, whole)
      if (whole === null) return
      const value = (i: number, j: number, k = 0) => whole[nodeIndex(grid, i, j, k)]
      const snapshot: Snapshot = { step, t, dt, grid, kind, run, field: () => whole, value }
      for (const tracker of trackers) await tracker.observe(snapshot)
    },
    async close() {
      for (const tracker of trackers) await tracker.close?.()
    },
  }
}
