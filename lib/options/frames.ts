/** `options.frames`: validated once, with its defaults filled, into a FramesConfig. */
import type { Colormap, FramesOptions } from '../api/types.js'
import { type Grid, is3d } from '../model/grid.js'
import { checkKeys, describe, fail, integerAtLeast, isPlainObject } from './check.js'

/** The largest image side the encoder accepts. */
const kMaxSide = 32768

export const kColormaps: readonly Colormap[] = ['inferno', 'viridis', 'magma', 'plasma', 'turbo', 'coolwarm', 'gray']
const kFramesKeys = ['dir', 'every', 'colormap', 'range', 'scale', 'animation', 'fps', 'annotate', 'slice'] as const

/** Validated frames options, defaults filled. */
export interface FramesConfig {
  readonly dir: string
  readonly every: number
  readonly colormap: Colormap
  readonly range: 'fixed' | 'auto' | readonly [number, number]
  readonly scale: number
  readonly animation: boolean
  readonly fps: number
  readonly annotate: boolean
  /** The plane a 3D grid's frames draw (absent in 2D). */
  readonly slice?: SliceConfig
}

/** A plane of a 3D grid: the nodes with coordinate `index` along `axis`. */
export interface SliceConfig {
  readonly axis: 'x' | 'y' | 'z'
  readonly index: number
}

/** The image a slice draws: its width and height in nodes, and which axes run across and up. */
export function sliceShape(grid: Grid, slice: SliceConfig | undefined): { width: number; height: number } {
  if (slice === undefined || slice.axis === 'z') return { width: grid.nx, height: grid.ny }
  return slice.axis === 'y' ? { width: grid.nx, height: grid.nz } : { width: grid.ny, height: grid.nz }
}

/** `frames.slice` on a 3D grid: `{ axis: 'x' | 'y' | 'z', index }`, by default the middle z plane. */
function parseSlice(value: unknown, grid: Grid): SliceConfig | undefined {
  const name = 'options.frames.slice'
  if (!is3d(grid)) {
    if (value !== undefined) throw new TypeError(`${name} needs a 3D grid (options.grid.nz), got ${describe(value)}`)
    return undefined
  }
  if (value === undefined) return Object.freeze({ axis: 'z', index: Math.floor((grid.nz - 1) / 2) })
  if (!isPlainObject(value)) return fail(name, "an object { axis: 'x' | 'y' | 'z', index }", value)
  checkKeys(name, value, ['axis', 'index'])
  const axis = value.axis ?? 'z'
  if (axis !== 'x' && axis !== 'y' && axis !== 'z') return fail(`${name}.axis`, "'x', 'y' or 'z'", axis)
  const n = axis === 'x' ? grid.nx : axis === 'y' ? grid.ny : grid.nz
  const index = value.index === undefined ? Math.floor((n - 1) / 2) : integerAtLeast(`${name}.index`, value.index, 0)
  if (index >= n) throw new RangeError(`${name}.index must be a node index along ${axis}, 0 to ${n - 1}, got ${index}`)
  return Object.freeze({ axis, index })
}

function parseRange(value: unknown): FramesConfig['range'] {
  if (value === undefined) return 'fixed'
  if (value === 'fixed' || value === 'auto') return value
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const [lo, hi] = value as [number, number]
    if (lo < hi) return Object.freeze([lo, hi] as const)
  }
  const given = Array.isArray(value) ? `[${value.map(describe).join(', ')}]` : describe(value)
  throw new TypeError(`options.frames.range must be [min, max] with min < max, 'fixed' or 'auto', got ${given}`)
}

function parseScale(value: unknown, grid: Grid, slice: SliceConfig | undefined): number {
  const scale = value === undefined ? 1 : integerAtLeast('options.frames.scale', value, 1)
  const shape = sliceShape(grid, slice)
  const [width, height] = [shape.width * scale, shape.height * scale]
  if (Math.max(width, height) > kMaxSide) {
    throw new RangeError(
      `options.frames.scale (${scale}) makes ${width}×${height} images; the largest side allowed is ${kMaxSide} pixels`,
    )
  }
  return scale
}

/** Validates `options.frames` (undefined for none) against the grid; throws naming the bad field. */
export function parseFrames(value: FramesOptions | undefined, grid: Grid): FramesConfig | undefined {
  if (value === undefined) return undefined
  const name = 'options.frames'
  if (!isPlainObject(value))
    throw new TypeError(`${name} must be an object such as { dir: 'out' }, got ${describe(value)}`)
  checkKeys(name, value, kFramesKeys)
  const { dir, colormap, animation, fps, annotate } = value
  if (typeof dir !== 'string' || dir === '') {
    throw new TypeError(`${name}.dir must be a non-empty string (a directory), got ${describe(dir)}`)
  }
  if (colormap !== undefined && !kColormaps.includes(colormap)) {
    const names = kColormaps.map((c) => `'${c}'`).join(', ')
    throw new TypeError(`${name}.colormap must be one of ${names}, got ${describe(colormap)}`)
  }
  if (animation !== undefined && typeof animation !== 'boolean') {
    throw new TypeError(`${name}.animation must be true or false, got ${describe(animation)}`)
  }
  if (annotate !== undefined && typeof annotate !== 'boolean') {
    throw new TypeError(`${name}.annotate must be true or false, got ${describe(annotate)}`)
  }
  if (fps !== undefined && integerAtLeast(`${name}.fps`, fps, 1) > 1000) {
    throw new RangeError(`${name}.fps must be at most 1000, got ${fps}`)
  }
  const slice = parseSlice(value.slice, grid)
  return Object.freeze({
    ...(slice === undefined ? {} : { slice }),
    dir,
    every: value.every === undefined ? 100 : integerAtLeast(`${name}.every`, value.every, 1),
    colormap: colormap ?? 'inferno',
    range: parseRange(value.range),
    scale: parseScale(value.scale, grid, slice),
    animation: animation ?? false,
    fps: fps ?? 15,
    annotate: annotate ?? false,
  })
}
