/**
 * PNG frames of the field as the solver runs: a tracker that snapshots the field at every
 * `every`-th step (and the first and last state), hands it to the native encoder, which colours,
 * compresses and writes it on libuv's thread pool, and returns at once while the workers go on. At
 * most `kMaxInFlight` frames are being encoded at a time; the next one waits for the oldest
 * (back-pressure), so memory stays bounded. `close()` waits for every frame, writes the animation
 * if asked, then the manifest `frames.json`.
 */
import path from 'node:path'

import type { Grid } from '../model/grid.js'
import type { FramesConfig } from '../options/frames.js'
import { kFramesInFlight } from '../options/limits.js'
import type { Problem } from '../options/problem.js'
import { writeAtomically } from '../storage/atomic.js'
import { ensureWritableDirectory } from '../storage/directory.js'
import { type FixedRange, fixedRange } from './frame-range.js'
import type { Snapshot, Tracker } from './tracker.js'

/** Frames being encoded at once; one more waits for the oldest. Each holds a copy of the field and its image. */
export const kMaxInFlight = kFramesInFlight
export const kManifestFile = 'frames.json'
export const kAnimationFile = 'animation.png'
/** One line of the manifest. */
export interface FrameRecord {
  /** File name, relative to the manifest. */
  file: string
  step: number
  t: number
  /** The field's smallest and largest finite values (null if none is finite). */
  min: number | null
  max: number | null
  /** The values drawn with the colour map's first and last colours. */
  range: [number, number]
  /** Some finite value lies outside `range` (drawn clamped to the map's end colour). */
  saturated: boolean
}

type Native = typeof import('../backends/native.js')

/** The colour range of every frame, or undefined for each frame's own ('auto'); 'fixed' is frame-range.ts's. */
function colourRange(range: FramesConfig['range'], problem: Problem): FixedRange | undefined {
  if (range === 'auto') return undefined
  return range === 'fixed' ? fixedRange(problem) : { range: [range[0], range[1]], note: undefined }
}

/** Writes PNG frames, the manifest and optionally an APNG; see the module comment. */
export class FramesTracker implements Tracker {
  readonly #config: FramesConfig
  readonly #native: Native
  readonly #grid: Grid
  readonly #range: [number, number] | undefined
  readonly #rangeNote: string | undefined
  readonly #frames: FrameRecord[] = []
  readonly #inFlight: Promise<void>[] = []
  #lastStep = -1
  #count = 0
  #encodeSeconds = 0
  #error: Error | undefined
  #closed = false

  private constructor(config: FramesConfig, native: Native, problem: Problem) {
    this.#config = config
    this.#native = native
    this.#grid = problem.grid
    const fixed = colourRange(config.range, problem)
    this.#range = fixed?.range
    this.#rangeNote = fixed?.note
  }

  /** Creates the directory (and loads the native encoder) before any step runs. */
  static async create(config: FramesConfig, problem: Problem): Promise<FramesTracker> {
    const native = await import('../backends/native.js')
    await ensureWritableDirectory('options.frames.dir', config.dir)
    return new FramesTracker(config, native, problem)
  }

  /** Frames written so far and the encoder's total seconds on the thread pool. */
  get stats(): { frames: number; encodeSeconds: number } {
    return { frames: this.#frames.filter(Boolean).length, encodeSeconds: this.#encodeSeconds }
  }

  nextStep(step: number): number {
    return (Math.floor(step / this.#config.every) + 1) * this.#config.every
  }

  async observe(snapshot: Snapshot): Promise<void> {
    this.#throwIfFailed()
    if (this.#closed || snapshot.step === this.#lastStep) return
    if (snapshot.kind === 'step' && snapshot.step % this.#config.every !== 0) return
    this.#lastStep = snapshot.step
    this.#start(snapshot)
    // Back-pressure: the inFlight promises never reject (failures are kept in #error).
    if (this.#inFlight.length >= kMaxInFlight) await this.#inFlight.shift()
    this.#throwIfFailed()
  }

  #start(snapshot: Snapshot): void {
    const index = this.#count++
    const file = `frame-${String(index).padStart(5, '0')}.png`
    const { step, t } = snapshot
    const { nx, ny } = this.#grid
    const spec = {
      nx,
      ny,
      colormap: this.#config.colormap,
      scale: this.#config.scale,
      lo: this.#range?.[0],
      hi: this.#range?.[1],
      annotate: this.#config.annotate,
      t,
      step,
    }
    const encoding = this.#native.encodeFrame(snapshot.field(), spec, path.join(this.#config.dir, file)).then(
      (s) => {
        const [min, max] = Number.isNaN(s.min) ? [null, null] : [s.min, s.max]
        const saturated = min !== null && max !== null && (min < s.lo || max > s.hi)
        this.#frames[index] = { file, step, t, min, max, range: [s.lo, s.hi], saturated }
        this.#encodeSeconds += s.seconds
      },
      (error: Error) => {
        this.#error ??= new Error(`frames: cannot write ${file}: ${error.message}`, { cause: error })
      },
    )
    this.#inFlight.push(encoding)
  }

  #throwIfFailed(): void {
    if (this.#error !== undefined) throw this.#error
  }

  /** Waits for every frame, writes the animation (if asked) and the manifest; throws the first failure. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Promise.all(this.#inFlight.splice(0))
    const frames = this.#frames.filter(Boolean)
    let animation: string | null = null
    if (this.#config.animation && frames.length > 0 && this.#error === undefined) {
      const files = frames.map((f) => path.join(this.#config.dir, f.file))
      try {
        await this.#native.writeAnimation(files, path.join(this.#config.dir, kAnimationFile), this.#config.fps)
        animation = kAnimationFile
      } catch (error) {
        this.#error = new Error(`frames: cannot write ${kAnimationFile}: ${(error as Error).message}`, { cause: error })
      }
    }
    const manifest = JSON.stringify(this.#manifest(frames, animation), null, 2) + '\n'
    try {
      await writeAtomically(path.join(this.#config.dir, kManifestFile), Buffer.from(manifest))
    } catch (error) {
      this.#error ??= new Error(`frames: cannot write ${kManifestFile}: ${(error as Error).message}`, { cause: error })
    }
    this.#throwIfFailed()
  }

  #manifest(frames: FrameRecord[], animation: string | null) {
    const { nx, ny, lx, ly } = this.#grid
    const { colormap, scale, fps, every } = this.#config
    return {
      grid: { nx, ny, lx, ly },
      colormap,
      range: this.#range ?? 'auto',
      rangeMode: Array.isArray(this.#config.range) ? 'given' : this.#config.range,
      ...(this.#rangeNote === undefined ? {} : { rangeNote: this.#rangeNote }),
      saturated: frames.some((f) => f.saturated),
      annotate: this.#config.annotate,
      scale,
      width: nx * scale,
      height: ny * scale,
      orientation: 'y up: the top row of pixels is grid row j = ny-1, the left column is i = 0',
      every,
      animation,
      fps,
      frames,
    }
  }
}

/** The frames tracker for `options.frames`, or none. Creates the directory first. */
export async function framesTrackers(problem: Problem): Promise<Tracker[]> {
  return problem.frames === undefined ? [] : [await FramesTracker.create(problem.frames, problem)]
}
