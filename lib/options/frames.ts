/** `options.frames`: validated once, with its defaults filled, into a FramesConfig. */
import type { Colormap, FramesOptions } from '../api/types.js'
import type { Grid } from '../model/grid.js'
import { checkKeys, describe, integerAtLeast, isPlainObject } from './check.js'

/** The largest image side the encoder accepts. */
const kMaxSide = 32768

export const kColormaps: readonly Colormap[] = ['inferno', 'viridis', 'magma', 'plasma', 'turbo', 'coolwarm', 'gray']
const kFramesKeys = ['dir', 'every', 'colormap', 'range', 'scale', 'animation', 'fps', 'annotate'] as const

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

function parseScale(value: unknown, grid: Grid): number {
  const scale = value === undefined ? 1 : integerAtLeast('options.frames.scale', value, 1)
  const [width, height] = [grid.nx * scale, grid.ny * scale]
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
  return Object.freeze({
    dir,
    every: value.every === undefined ? 100 : integerAtLeast(`${name}.every`, value.every, 1),
    colormap: colormap ?? 'inferno',
    range: parseRange(value.range),
    scale: parseScale(value.scale, grid),
    animation: animation ?? false,
    fps: fps ?? 15,
    annotate: annotate ?? false,
  })
}
