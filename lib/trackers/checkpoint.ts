/**
 * Checkpoints for `solve()`: a tracker that saves the state every `every` steps, and the plan
 * that resumes a run from a saved state so that it ends bit-identical to an uninterrupted one.
 *
 * Bit-identity holds because a resumed run starts from the saved field's exact bits and takes the
 * remaining steps with the very same dt (stored in the file, not recomputed from the remaining time),
 * so every step performs the same arithmetic as in the uninterrupted run.
 */
import type { Stats } from 'node:fs'
import { access, constants, stat } from 'node:fs/promises'
import path from 'node:path'

import { CheckpointError } from '../api/errors.js'
import type { AdvanceOptions } from '../api/types.js'
import { functionId } from '../model/boundary/data.js'
import { kSideNames, kSideNames3d, type Side } from '../model/boundary/index.js'
import { settleInitial } from '../model/constant.js'
import { forEachRow, type Grid, is3d } from '../model/grid.js'
import type { Problem, StartState } from '../options/problem.js'
import { stepsFor } from '../steppers/stepper.js'
import {
  type CheckpointHeader,
  encodeCheckpoint,
  readCheckpoint,
  sha256OfValues,
  type StoredSide,
  writeAtomically,
} from '../storage/checkpoint-file.js'
import type { Snapshot, Tracker } from './tracker.js'

/** What `solve()` runs. */
export interface RunPlan {
  /** The problem to solve (a resumed run's carries the saved dt). */
  problem: Problem
  trackers: Tracker[]
  /** Where a resumed run starts. */
  start: StartState | undefined
  advance: AdvanceOptions
  /** What a resumed run reports: the final time and total steps of the uninterrupted run. */
  result: { t: number; steps: number } | undefined
}

type Physics = Omit<CheckpointHeader, 'step' | 't'>

/** Saves the field every `every` steps. Writes are awaited, so the workers wait for the fsync. */
class CheckpointWriter implements Tracker {
  constructor(
    private readonly file: string,
    private readonly every: number,
    private readonly physics: Physics,
  ) {}

  nextStep(step: number): number {
    return (Math.floor(step / this.every) + 1) * this.every
  }

  /** Saves at every multiple of `every`, including the last step (so that a finished run can be extended). */
  async observe(snapshot: Snapshot): Promise<void> {
    if (snapshot.kind === 'start' || snapshot.step % this.every !== 0 || snapshot.step === 0) return
    const header: CheckpointHeader = { ...this.physics, dt: snapshot.dt, step: snapshot.step, t: snapshot.t }
    try {
      await writeAtomically(this.file, encodeCheckpoint(header, snapshot.field()))
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error)
      throw new CheckpointError(`cannot write checkpoint ${this.file}: ${reason}`, this.file, { cause: error })
    }
  }
}

/** The steps and dt of the uninterrupted run, computed exactly as `Solver.advance()` does from t = 0. */
function wholeRun(problem: Problem): { steps: number; dt: number } {
  return problem.steps !== undefined ? { steps: problem.steps, dt: problem.dt } : stepsFor(problem.tEnd!, problem.dt)
}

/** The node rows of a halo-padded field, in order: hashed, they give the hash of its unpadded values. */
function nodeRows(grid: Grid, padded: Float64Array): Float64Array[] {
  const rows: Float64Array[] = []
  forEachRow(grid, (p) => rows.push(padded.subarray(p, p + grid.nx)))
  return rows
}

function physicsOf(problem: Problem): Physics {
  const { grid, sides, diffusivity, source, diffusivityField, sourceScale, sourceAt } = problem
  const side = (s: Side): StoredSide => ({
    kind: s.kind,
    value: s.value,
    ...(s.spec === undefined ? {} : { spec: s.spec }),
  })
  const time =
    sourceScale !== null
      ? `scale ${functionId(sourceScale)}`
      : sourceAt !== null
        ? `f(x, y, t) ${functionId(sourceAt)}`
        : null
  return {
    ...wholeRun(problem),
    tEnd: problem.tEnd ?? null,
    grid: { nx: grid.nx, ny: grid.ny, lx: grid.lx, ly: grid.ly, ...(is3d(grid) ? { nz: grid.nz, lz: grid.lz } : {}) },
    diffusivity,
    method: problem.method,
    sides: {
      ...{ left: side(sides.left), right: side(sides.right), bottom: side(sides.bottom), top: side(sides.top) },
      ...(sides.back === undefined || sides.front === undefined
        ? {}
        : { back: side(sides.back), front: side(sides.front) }),
    },
    initialSha256: sha256OfValues(nodeRows(grid, settleInitial(grid, sides, problem.initial))),
    sourceSha256: source === null ? null : sha256OfValues(nodeRows(grid, source)),
    diffusivitySha256: diffusivityField === null ? null : sha256OfValues(diffusivityField),
    sourceTime: time,
  }
}

/** Refuses a checkpoint written for other physics, naming the first difference. */
function checkMatch(file: string, saved: CheckpointHeader, now: Physics): void {
  const sideText = (s: StoredSide | undefined) =>
    s === undefined ? 'missing' : `${s.kind} ${s.value}${s.spec === undefined ? '' : ` (${s.spec})`}`
  const pairs: [string, unknown, unknown][] = [
    ['grid.nx', saved.grid.nx, now.grid.nx],
    ['grid.ny', saved.grid.ny, now.grid.ny],
    ['grid.lx', saved.grid.lx, now.grid.lx],
    ['grid.ly', saved.grid.ly, now.grid.ly],
    ['grid.nz', saved.grid.nz ?? 1, now.grid.nz ?? 1],
    ['grid.lz', saved.grid.lz ?? 'none', now.grid.lz ?? 'none'],
    ['diffusivity', saved.diffusivity, now.diffusivity],
    ['the diffusivity field (SHA-256)', saved.diffusivitySha256 ?? 'none', now.diffusivitySha256 ?? 'none'],
    ...(now.sides.back === undefined ? kSideNames : kSideNames3d).map((s): [string, unknown, unknown] => [
      `boundary.${s}`,
      sideText(saved.sides[s]),
      sideText(now.sides[s]),
    ]),
    ['the initial field (SHA-256)', saved.initialSha256, now.initialSha256],
    ['the source (SHA-256)', saved.sourceSha256 ?? 'none', now.sourceSha256 ?? 'none'],
    ['the source in time', saved.sourceTime ?? 'constant', now.sourceTime ?? 'constant'],
    ['dt', saved.dt, now.dt],
    ['method', saved.method ?? 'explicit', now.method],
  ]
  for (const [what, a, b] of pairs) {
    if (a !== b) {
      throw new CheckpointError(
        `options.resume: checkpoint ${file} belongs to another run: ${what} is ${a} there and ${b} in these options`,
        file,
      )
    }
  }
  if (saved.step > now.steps) {
    throw new CheckpointError(
      `options.resume: checkpoint ${file} is at step ${saved.step}, past the ${now.steps} steps of this run`,
      file,
    )
  }
}

/** What a path is, in words, for an error: 'a directory', 'a character device', … */
function kindOf(found: Stats): string {
  if (found.isDirectory()) return 'a directory'
  if (found.isCharacterDevice()) return 'a character device'
  if (found.isBlockDevice()) return 'a block device'
  if (found.isFIFO()) return 'a FIFO'
  if (found.isSocket()) return 'a socket'
  return 'not a regular file'
}

/**
 * Fails early, before any step is taken, if the checkpoint's directory cannot be written or the path
 * is anything but a regular file or a new path (a save renames over it: it would replace a device
 * node such as /dev/null, and a directory fails only at the first save).
 */
async function checkWritable(file: string): Promise<void> {
  const found = await stat(file).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new CheckpointError(`options.checkpoint.path: cannot use ${file}: ${String(error)}`, file, { cause: error })
  })
  if (found !== null && !found.isFile()) {
    const kind = kindOf(found)
    throw new CheckpointError(`options.checkpoint.path must be a regular file or a new path, got ${kind} ${file}`, file)
  }
  const directory = path.dirname(path.resolve(file))
  try {
    await access(directory, constants.W_OK)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new CheckpointError(`options.checkpoint.path: cannot write in ${directory}: ${reason}`, file, {
      cause: error,
    })
  }
}

/**
 * Plans `solve()`: the plain run, or one that saves checkpoints, or one that resumes from a
 * checkpoint (verified and matched against `problem` before any worker starts).
 */
export async function planRun(problem: Problem): Promise<RunPlan> {
  const { checkpoint, resume } = problem
  const advance: AdvanceOptions =
    problem.steps !== undefined ? { steps: problem.steps } : { tEnd: problem.tEnd as number }
  if (checkpoint === undefined && resume === undefined) {
    return { problem, trackers: [], start: undefined, advance, result: undefined }
  }
  const physics = physicsOf(problem)
  const trackers: Tracker[] = []
  if (checkpoint !== undefined) {
    await checkWritable(checkpoint.path)
    trackers.push(new CheckpointWriter(checkpoint.path, checkpoint.every, physics))
  }
  if (resume === undefined) return { problem, trackers, start: undefined, advance, result: undefined }
  const saved = await readCheckpoint(resume)
  checkMatch(resume, saved.header, physics)
  const { step, t } = saved.header
  return {
    problem: { ...problem, dt: physics.dt },
    trackers,
    start: { field: saved.field, step, t },
    advance: { steps: physics.steps - step },
    result: { t: problem.tEnd ?? physics.steps * physics.dt, steps: physics.steps },
  }
}
