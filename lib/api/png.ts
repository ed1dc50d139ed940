/** `savePng()`: one PNG of any field, drawn as the frames tracker draws frames (colour map, range, annotation). */
import type { NapiFrameStats } from '../backends/native.js'
import { checkKeys, describe, fail, finiteNumber, integerAtLeast, isPlainObject } from '../options/check.js'
import { kColormaps } from '../options/frames.js'
import type { GridOptions, SavePngOptions } from './types.js'

const kKeys = ['file', 'colormap', 'range', 'scale', 'annotate', 't', 'step'] as const

function checkRange(range: unknown): readonly [number, number] | undefined {
  if (range === undefined) return undefined
  const ok = Array.isArray(range) && range.length === 2 && range.every((v) => Number.isFinite(v)) && range[0] < range[1]
  if (!ok) fail('savePng: options.range', '[min, max] of finite numbers with min < max', range)
  return range as [number, number]
}

function checkOptions(options: SavePngOptions) {
  if (!isPlainObject(options)) return fail('savePng: options', 'an object { file, colormap?, range?, … }', options)
  checkKeys('savePng: options', options, kKeys)
  const { file, colormap, annotate } = options
  if (typeof file !== 'string' || file === '') fail('savePng: options.file', 'a non-empty string (a path)', file)
  if (colormap !== undefined && !kColormaps.includes(colormap)) {
    fail('savePng: options.colormap', `one of ${kColormaps.join(', ')}`, colormap)
  }
  if (annotate !== undefined && typeof annotate !== 'boolean')
    fail('savePng: options.annotate', 'true or false', annotate)
  return {
    range: checkRange(options.range),
    scale: options.scale === undefined ? 1 : integerAtLeast('savePng: options.scale', options.scale, 1),
    t: options.t === undefined ? 0 : finiteNumber('savePng: options.t', options.t),
    step: options.step === undefined ? 0 : integerAtLeast('savePng: options.step', options.step, 0),
  }
}

/**
 * Writes `field` (nx·ny values, node (i, j) at j·nx + i, drawn with y up) as one PNG, with tEXt metadata
 * (t, step, range); resolves with the field's finite min and max and the range drawn.
 */
export async function savePng(
  field: Float64Array,
  grid: Pick<GridOptions, 'nx' | 'ny'>,
  options: SavePngOptions,
): Promise<NapiFrameStats> {
  if (!(field instanceof Float64Array)) fail('savePng: field', 'a Float64Array', field)
  if (!isPlainObject(grid)) fail('savePng: grid', 'an object { nx, ny }', grid)
  const nx = integerAtLeast('savePng: grid.nx', grid.nx, 1)
  const ny = integerAtLeast('savePng: grid.ny', grid.ny, 1)
  if (field.length !== nx * ny) {
    throw new TypeError(`savePng: field must hold nx·ny = ${nx * ny} values, got ${describe(field)}`)
  }
  const { range, scale, t, step } = checkOptions(options)
  const { encodeFrame } = await import('../backends/native.js')
  const spec = { nx, ny, colormap: options.colormap ?? 'inferno', scale, lo: range?.[0], hi: range?.[1] }
  return encodeFrame(field, { ...spec, annotate: options.annotate ?? false, t, step }, options.file)
}
