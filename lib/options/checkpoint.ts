/** `options.checkpoint` and `options.resume` (solve() only), parsed from the snapshot of the options. */
import type { CheckpointOptions } from '../api/types.js'
import { checkKeys, describe, integerAtLeast, isPlainObject } from './check.js'

export function parseCheckpoint(value: unknown): CheckpointOptions | undefined {
  const name = 'options.checkpoint'
  if (value === undefined) return undefined
  if (!isPlainObject(value)) throw new TypeError(`${name} must be an object { path, every }, got ${describe(value)}`)
  checkKeys(name, value, ['path', 'every'])
  if (typeof value.path !== 'string' || value.path === '') {
    throw new TypeError(`${name}.path must be a non-empty string, got ${describe(value.path)}`)
  }
  return Object.freeze({ path: value.path, every: integerAtLeast(`${name}.every`, value.every, 1) })
}

export function parseResume(value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`options.resume must be the path of a checkpoint file, got ${describe(value)}`)
  }
  return value
}
