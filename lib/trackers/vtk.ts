/**
 * VTK output for ParaView and VisIt: a tracker that writes the field as a VTK ImageData file
 * (`u_000000.vti`, named by step) at the first state, every `every` steps and the last state, and after
 * each file rewrites the collection `u.pvd` (every file so far with its time) atomically, so that an
 * interrupted run leaves a collection that opens and lists only whole files (it starts empty, before
 * the first step). One file is written at a time while the workers go on; the next snapshot waits for
 * it (back-pressure), so memory stays at one copy of the field and one file's bytes.
 */
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'

import type { Grid } from '../model/grid.js'
import type { Problem } from '../options/problem.js'
import type { VtkConfig } from '../options/vtk.js'
import { writeAtomically } from '../storage/atomic.js'
import { ensureWritableDirectory } from '../storage/directory.js'
import { formatVti, parsePvd, type PvdEntry, type VtkImage, writePvd } from '../storage/vtk.js'
import type { Snapshot, Tracker } from './tracker.js'

/** The collection's file name in `dir`. */
export const kPvdFile = 'u.pvd'

/** The .vti file of a step: `u_000042.vti` (six digits at least, so that names sort by step). */
export const vtiFileOf = (step: number): string => `u_${String(step).padStart(6, '0')}.vti`

/** The step of a file named by vtiFileOf, or undefined. */
function stepOfFile(file: string): number | undefined {
  const found = /^u_(\d{6,})\.vti$/.exec(file)
  return found === null ? undefined : Number(found[1])
}

/**
 * What a run resumed at `firstStep` continues: the entries of the collection already in `dir` for earlier
 * steps whose files are there. Nothing for a run from step 0, or when there is no collection of ours.
 */
async function earlierEntries(dir: string, firstStep: number): Promise<PvdEntry[]> {
  if (firstStep === 0) return []
  const text = await readFile(path.join(dir, kPvdFile), 'utf8').catch(() => '')
  const kept: PvdEntry[] = []
  for (const entry of parsePvd(text) ?? []) {
    const step = stepOfFile(entry.file)
    const isFile = await stat(path.join(dir, entry.file)).then(
      (s) => s.isFile(),
      () => false,
    )
    if (step !== undefined && step < firstStep && isFile) kept.push(entry)
  }
  return kept
}

/**
 * The grid as VTK sees it: points at (i·dx, j·dy, k·dz) from the origin. A 2D grid is one plane (nz = 1),
 * given dz = dx so that a reader's cells keep a sensible shape. The one place that maps a Grid to VTK.
 */
export function vtkImageOf(grid: Grid): VtkImage {
  const origin = [0, 0, 0] as const
  return Object.freeze({ nx: grid.nx, ny: grid.ny, nz: 1, dx: grid.dx, dy: grid.dy, dz: grid.dx, origin })
}

/** Writes .vti files and the .pvd collection; see the module comment. */
export class VtkTracker implements Tracker {
  readonly #config: VtkConfig
  readonly #image: VtkImage
  readonly #entries: PvdEntry[]
  #writing: Promise<void> = Promise.resolve()
  #lastStep = -1
  #error: Error | undefined
  #closed = false

  private constructor(config: VtkConfig, grid: Grid, entries: PvdEntry[]) {
    this.#config = config
    this.#image = vtkImageOf(grid)
    this.#entries = entries
  }

  /**
   * Creates the directory and the collection in it before any step runs: empty, or for a run resumed at
   * `firstStep`, the earlier steps' entries of the collection there (whose files are there).
   */
  static async create(config: VtkConfig, grid: Grid, firstStep = 0): Promise<VtkTracker> {
    await ensureWritableDirectory('options.vtk.dir', config.dir)
    const entries = await earlierEntries(config.dir, firstStep)
    const file = path.join(config.dir, kPvdFile)
    await writePvd(file, entries).catch((error: unknown) => {
      throw new Error(`options.vtk.dir: cannot write ${file}: ${(error as Error).message}`, { cause: error })
    })
    return new VtkTracker(config, grid, entries)
  }

  /** The files written so far, with their times, as the collection lists them. */
  get entries(): readonly PvdEntry[] {
    return [...this.#entries]
  }

  nextStep(step: number): number {
    return (Math.floor(step / this.#config.every) + 1) * this.#config.every
  }

  async observe(snapshot: Snapshot): Promise<void> {
    this.#throwIfFailed()
    if (this.#closed || snapshot.step === this.#lastStep) return
    if (snapshot.kind === 'step' && snapshot.step % this.#config.every !== 0) return
    this.#lastStep = snapshot.step
    // One file at a time: the previous file's bytes are released before this one's are made.
    await this.#writing
    this.#throwIfFailed()
    const file = vtiFileOf(snapshot.step)
    const bytes = formatVti(this.#image, snapshot.field(), snapshot.t, this.#config.encoding)
    this.#writing = this.#write({ t: snapshot.t, file }, bytes)
  }

  /** Writes one file, then the collection with it; never rejects (a failure is kept for the next call). */
  async #write(entry: PvdEntry, bytes: Uint8Array): Promise<void> {
    const { dir } = this.#config
    try {
      await writeAtomically(path.join(dir, entry.file), bytes)
    } catch (error) {
      this.#error ??= new Error(`vtk: cannot write ${entry.file}: ${(error as Error).message}`, { cause: error })
      return
    }
    this.#entries.push(entry)
    await writePvd(path.join(dir, kPvdFile), this.#entries).catch((error: unknown) => {
      this.#error ??= new Error(`vtk: cannot write ${kPvdFile}: ${(error as Error).message}`, { cause: error })
    })
  }

  #throwIfFailed(): void {
    if (this.#error !== undefined) throw this.#error
  }

  /** Waits for the file being written; throws the first failure. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#writing
    this.#throwIfFailed()
  }
}

/** The VTK tracker for `options.vtk`, or none, for a run from `firstStep`. Creates the directory first. */
export async function vtkTrackers(problem: Problem, firstStep = 0): Promise<Tracker[]> {
  return problem.vtk === undefined ? [] : [await VtkTracker.create(problem.vtk, problem.grid, firstStep)]
}
