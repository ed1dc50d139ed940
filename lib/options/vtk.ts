/** `options.vtk`: validated once, with its defaults filled, into a VtkConfig. */
import type { VtkOptions } from '../api/types.js'
import type { Grid } from '../model/grid.js'
import { kMaxVtiBytes, kVtkEncodings, type VtkEncoding, vtiBytes } from '../storage/vtk.js'
import { checkKeys, fail, integerAtLeast, isPlainObject } from './check.js'
import { formatBytes, type MemoryNeeds } from './limits.js'

const kVtkKeys = ['dir', 'every', 'encoding'] as const

/** The default number of steps between files. */
export const kVtkEvery = 100

/** Validated VTK options, defaults filled. */
export interface VtkConfig {
  readonly dir: string
  readonly every: number
  readonly encoding: VtkEncoding
}

/**
 * The peak memory with VTK files: at a file's step, a copy of the field and the file's bytes (the field's
 * size in 'raw', 4/3 of it in 'base64'), as whole copies of the field.
 */
export function withVtkCopies(needs: MemoryNeeds, config: VtkConfig | undefined): MemoryNeeds {
  if (config === undefined) return needs
  return { ...needs, copies: needs.copies + (config.encoding === 'raw' ? 2 : 3) }
}

/** Validates `options.vtk` (undefined for none) against the grid; throws naming the bad field. */
export function parseVtk(value: VtkOptions | undefined, grid: Grid): VtkConfig | undefined {
  if (value === undefined) return undefined
  const name = 'options.vtk'
  if (!isPlainObject(value)) return fail(name, "an object such as { dir: 'out', every: 100 }", value)
  checkKeys(name, value, kVtkKeys)
  const { dir, encoding } = value
  if (typeof dir !== 'string' || dir === '') fail(`${name}.dir`, 'a non-empty string (a directory)', dir)
  if (encoding !== undefined && !kVtkEncodings.includes(encoding)) {
    fail(`${name}.encoding`, kVtkEncodings.map((e) => `'${e}'`).join(' or '), encoding)
  }
  const every = value.every === undefined ? kVtkEvery : integerAtLeast(`${name}.every`, value.every, 1)
  const config = Object.freeze({ dir, every, encoding: encoding ?? 'raw' })
  const bytes = vtiBytes(grid.nx * grid.ny, config.encoding)
  if (bytes > kMaxVtiBytes) {
    throw new RangeError(
      `${name}: a .vti file of options.grid (nx ${grid.nx} × ny ${grid.ny}) would take ${formatBytes(bytes)} in '${config.encoding}' encoding; one file holds at most ${formatBytes(kMaxVtiBytes)}`,
    )
  }
  return config
}
