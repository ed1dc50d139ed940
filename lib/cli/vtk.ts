/** The VTK flags of `calor run`: `--vtk DIR`, `--vtk-every N`, `--vtk-encoding raw|base64`. */
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'

import type { VtkOptions } from '../api/types.js'
import { kVtkEvery } from '../options/vtk.js'
import { kPvdFile } from '../trackers/vtk.js'
import { type Flag, strictInteger, UsageError } from './usage.js'

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>

export const kVtkFlags: readonly Flag[] = [
  { name: 'vtk', value: 'DIR', default: 'none', help: `write VTK ImageData (.vti) files and ${kPvdFile} into DIR (ParaView)` },
  { name: 'vtk-every', value: 'N', default: String(kVtkEvery), help: 'a .vti file every N steps (and the first and last)' },
  { name: 'vtk-encoding', value: 'raw|base64', default: 'raw', help: 'binary appended after the XML, or inline base64' },
] // prettier-ignore

/** Library option names and the flags that set them (the specific ones first). */
export const kVtkOptionFlags: [string, string][] = [
  ['options.vtk.encoding', '--vtk-encoding'],
  ['options.vtk.every', '--vtk-every'],
  ['options.vtk.dir', '--vtk'],
  ['options.vtk', '--vtk'],
]

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile()
  } catch {
    return false
  }
}

/** The `vtk` option these flags give, or undefined without --vtk. */
export function vtkOptions(values: Values): VtkOptions | undefined {
  const dir = values.vtk as string | undefined
  if (dir === undefined) {
    const stray = ['vtk-every', 'vtk-encoding'].find((f) => values[f] !== undefined)
    if (stray !== undefined) throw new UsageError(`--${stray} needs --vtk DIR`)
    return undefined
  }
  if (isFile(dir)) throw new UsageError(`--vtk must name a directory, got the file '${dir}'`)
  const every = values['vtk-every'] as string | undefined
  const encoding = values['vtk-encoding'] as string | undefined
  if (encoding !== undefined && encoding !== 'raw' && encoding !== 'base64') {
    throw new UsageError(`--vtk-encoding must be one of raw, base64, got '${encoding}'`)
  }
  return { dir, every: every === undefined ? undefined : strictInteger(every, 'vtk-every', 1), encoding }
}

/** The summary's part for the VTK files: how many the collection lists, and where. */
export function vtkSummary(dir: string): string {
  const files = readFileSync(path.join(dir, kPvdFile), 'utf8').split('<DataSet ').length - 1
  return `${files} VTK files in ${dir}${path.sep} (${kPvdFile})`
}
