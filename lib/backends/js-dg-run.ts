/**
 * The js backend's Douglas–Gunn run loop (3D Crank–Nicolson), the twin of crate/src/schedule/dg.rs: per
 * step, the band's planes (uⁿ's ghost rows, x-lines, y-lines) | barrier | the block's rows (z-lines, then
 * their halo) | barrier, the buffers swapping. One α gives the factored solves of js-dg.ts; a varying
 * one the conservative solves of js-dg-variable.ts, over the faces buffer.
 */
import { faceViews } from '../model/faces.js'
import { Barrier } from '../parallel/barrier.js'
import { kAbortNow, kGo, kNonFinite, kStopRequest } from '../parallel/control.js'
import type { Runner, RunOutcome, RunRequest, WorkerInit } from '../parallel/protocol.js'
import type { StepSpec } from '../steppers/schedule.js'
import {
  type PlaneLines,
  planeGhostRows,
  planeLinesOf,
  rowsFinite,
  rowsHalo,
  solvePlaneY,
  solveRowsZ,
  solveXRow,
} from './js-dg.js'
import {
  planeGhostRowsVariable,
  rowsHaloVariable,
  solveBlockVariable,
  solveXRowVariable,
  type VariablePlaneLines,
} from './js-dg-variable.js'
import type { PlaneLineSpec } from './lines3d.js'

/** One step's two phases for either operator. */
interface StepSolves {
  /** uⁿ's ghost rows, the x-lines and the y-lines of the padded plane at `base`. */
  plane(src: Float64Array, dst: Float64Array, weight: number, base: number): void
  /** The z-lines of node rows [start, end) and their halo; whether every value is finite. */
  rows(src: Float64Array, dst: Float64Array, start: number, end: number): boolean
}

function factoredSolves(lines: PlaneLines, f: Float64Array | null, scratch: Float64Array): StepSolves {
  const { y, stride } = lines
  return {
    plane(src, dst, weight, base) {
      planeGhostRows(lines, src, base)
      for (let j = y.first; j < y.first + y.count; j++) solveXRow(lines, src, dst, f, weight, base + (j + 1) * stride)
      solvePlaneY(lines, src, dst, base, scratch)
    },
    rows(src, dst, start, end) {
      const finite = solveRowsZ(lines, src, dst, start, end, scratch)
      rowsHalo(lines, dst, start, end)
      return finite
    },
  }
}

function conservativeSolves(v: VariablePlaneLines, f: Float64Array | null): StepSolves {
  const { x, y, z, stride, plane } = v.lines
  return {
    plane(src, dst, weight, base) {
      planeGhostRowsVariable(v, src, base)
      for (let j = y.first; j < y.first + y.count; j++) {
        solveXRowVariable(v, src, dst, f, weight, base + (j + 1) * stride)
      }
      solveBlockVariable(v, 'y', src, dst, base + (y.first + 1) * stride + x.first + 1, x.count)
    },
    rows(src, dst, start, end) {
      for (let r = start; r < end; r++) {
        solveBlockVariable(v, 'z', src, dst, (z.first + 1) * plane + (r + 1) * stride + x.first + 1, x.count)
      }
      const finite = start >= end || rowsFinite(v.lines, dst, start, end)
      rowsHaloVariable(v, dst, start, end)
      return finite
    },
  }
}

/** The first phase over the band's planes; false if an abort request cut it short. */
function planesPhase(
  init: WorkerInit,
  solves: StepSolves,
  plane: number,
  src: Float64Array,
  dst: Float64Array,
  weight: number,
  control: Int32Array,
) {
  for (let k = init.band.start; k < init.band.end; k++) {
    if (Atomics.load(control, kStopRequest) === kAbortNow) return false
    solves.plane(src, dst, weight, (k + 1) * plane)
  }
  return true
}

/** The js backend's Douglas–Gunn run loop. An abort drops a step at its first barrier (uⁿ is intact). */
export const jsPlaneLinesRunner: Runner<StepSpec> = async (init) => {
  const control = new Int32Array(init.control)
  const barrier = new Barrier(control, init.parties)
  const fields = [new Float64Array(init.fields[0]), new Float64Array(init.fields[1])] as const
  const f = init.source === null ? null : new Float64Array(init.source)
  const faces = init.faces === null ? null : faceViews(new Float64Array(init.faces), fields[0].length)
  const weights = init.weights === null ? null : new Float64Array(init.weights)
  const scratch = new Float64Array(init.stride)
  let up = new Float64Array(0)
  const rows = init.schedule.zRows ?? { start: 0, end: 0 }
  return (request: RunRequest<StepSpec>): RunOutcome => {
    const lines = planeLinesOf(request.stencil as PlaneLineSpec)
    if (lines.spec.variable && faces === null)
      throw new Error('internal: conservative line systems need the faces buffer')
    // Once per shape, never per step.
    if (up.length < (lines.y.count + lines.z.count) * lines.stride)
      up = new Float64Array((lines.y.count + lines.z.count) * lines.stride)
    const solves = lines.spec.variable
      ? conservativeSolves({ lines, faces: faces!, up }, f)
      : factoredSolves(lines, f, scratch)
    for (let done = 0; done < request.steps; done++) {
      const [src, dst] = [fields[(request.parity + done) % 2], fields[(request.parity + done + 1) % 2]]
      // The source's weight: dt, or dt·g(t_{n+1/2}) for a separable source of t (twice the ring's dt/2·g, exactly).
      const weight = weights === null ? lines.spec.dt : 2 * weights[done]
      planesPhase(init, solves, lines.plane, src, dst, weight, control)
      // Stop or go, a step whose first phase is complete is finished; an abort drops it (uⁿ is intact).
      if (barrier.wait() === kAbortNow) return { steps: done, abandoned: false, lost: false }
      if (!solves.rows(src, dst, rows.start, rows.end)) Atomics.store(control, kNonFinite, 1)
      if (barrier.wait() !== kGo) return { steps: done + 1, abandoned: false, lost: false }
    }
    return { steps: request.steps, abandoned: false, lost: false }
  }
}
