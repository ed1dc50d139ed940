/**
 * The flags of `calor run` beyond the physics and the frames: temporal blocking, checkpoints, probes and
 * `--json`, with the checks made before a run starts (every output can be written) and the renaming of
 * library messages to the flags the user actually typed.
 */
import { accessSync, constants, type Stats, statSync } from 'node:fs'
import path from 'node:path'

import type { ProbesResult, SolveOptions, SolveResult } from '../api/types.js'
import { writeProbes } from '../storage/probes-file.js'
import { type Flag, strictInteger, strictNumber, UsageError } from './usage.js'

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>

export const kExtraFlags: readonly Flag[] = [
  { name: 'temporal-blocking', value: 'N|auto', default: 'auto', help: 'native: steps per pass over memory (same result)' },
  { name: 'checkpoint', value: 'FILE', default: 'none', help: 'save the state to FILE every --checkpoint-every steps' },
  { name: 'checkpoint-every', value: 'N', default: 'none', help: 'steps between checkpoints (with --checkpoint)' },
  { name: 'resume', value: 'FILE', default: 'none', help: 'continue from a checkpoint (give the same flags as its run)' },
  { name: 'probe', value: 'X,Y', multiple: true, default: 'none', help: 'record u at the point (X, Y); repeatable' },
  { name: 'probe-every', value: 'N', default: '1', help: 'a probe sample every N steps (and the first and last)' },
  { name: 'probe-out', value: 'FILE', default: 'none', help: 'write the probes as CSV, or as JSON if FILE ends in .json' },
  { name: 'json', default: 'off', help: 'print the result as one JSON line instead of the summary' },
] // prettier-ignore

/** The file's stat, or undefined when nothing can be found there (missing, or a file on the way). */
function statOf(file: string): Stats | undefined {
  try {
    return statSync(file)
  } catch {
    return undefined
  }
}

const text = (values: Values, flag: string) => values[flag] as string | undefined

function temporalBlocking(values: Values): SolveOptions['temporalBlocking'] {
  const spec = text(values, 'temporal-blocking')
  if (spec === undefined || spec === 'auto') return spec
  const n = strictInteger(spec, 'temporal-blocking', 1)
  if (n > 64) throw new UsageError(`--temporal-blocking must be auto or an integer from 1 to 64, got '${spec}'`)
  return n
}

function checkpoint(values: Values): SolveOptions['checkpoint'] {
  const [file, every] = [text(values, 'checkpoint'), text(values, 'checkpoint-every')]
  if (file === undefined && every === undefined) return undefined
  if (file === undefined) throw new UsageError('--checkpoint-every needs --checkpoint FILE')
  if (every === undefined) throw new UsageError('--checkpoint needs --checkpoint-every N')
  checkWritable(file, 'checkpoint')
  return { path: file, every: strictInteger(every, 'checkpoint-every', 1) }
}

function probePoint(spec: string): { x: number; y: number } {
  const parts = spec.split(',')
  if (parts.length !== 2) throw new UsageError(`--probe must be X,Y (a point of the domain), got '${spec}'`)
  return { x: strictNumber(parts[0], 'probe'), y: strictNumber(parts[1], 'probe') }
}

function probes(values: Values): SolveOptions['probes'] {
  const specs = (values.probe as string[] | undefined) ?? []
  if (specs.length === 0) {
    const stray = ['probe-every', 'probe-out'].find((f) => values[f] !== undefined)
    if (stray !== undefined) throw new UsageError(`--${stray} needs --probe X,Y`)
    return undefined
  }
  const points = specs.map(probePoint)
  const out = text(values, 'probe-out')
  if (out === undefined && values.json !== true) throw new UsageError('--probe needs --probe-out FILE or --json')
  if (out !== undefined) checkWritable(out, 'probe-out')
  const every = text(values, 'probe-every')
  return { points, every: every === undefined ? 1 : strictInteger(every, 'probe-every', 1) }
}

/** The options these flags set. */
export function extraOptions(
  values: Values,
): Pick<SolveOptions, 'temporalBlocking' | 'checkpoint' | 'resume' | 'probes'> {
  const resume = text(values, 'resume')
  if (resume !== undefined && !isFile(resume)) throw new UsageError(`--resume: no checkpoint file '${resume}'`)
  return { temporalBlocking: temporalBlocking(values), checkpoint: checkpoint(values), resume, probes: probes(values) }
}

const isFile = (file: string) => statOf(file)?.isFile() === true

/** Refuses, before the run, an output file that could not be written: a directory, or a missing or read-only folder. */
export function checkWritable(file: string, flag: string): void {
  const stat = statOf(file)
  if (stat?.isDirectory()) throw new UsageError(`--${flag} must name a file, got the directory '${file}'`)
  const dir = path.dirname(file)
  if (stat === undefined && !isDirectory(dir)) {
    throw new UsageError(`--${flag}: ${dir} ${statOf(dir) === undefined ? 'does not exist' : 'is not a directory'}`)
  }
  try {
    accessSync(stat === undefined ? dir : file, constants.W_OK)
  } catch {
    throw new UsageError(`--${flag}: ${stat === undefined ? `the directory ${dir}` : `'${file}'`} is not writable`)
  }
}

const isDirectory = (dir: string) => statOf(dir)?.isDirectory() === true

/** `--frames DIR` may be missing (it is created) but not a file. */
export function checkFramesDir(dir: string | undefined): void {
  if (dir !== undefined && statOf(dir)?.isFile()) {
    throw new UsageError(`--frames must name a directory, got the file '${dir}'`)
  }
}

/** After the run: writes the probes, and returns the `--json` line (undefined without --json). */
export async function finishRun(
  result: SolveResult,
  values: Values,
  out: string | undefined,
): Promise<string | undefined> {
  const probeOut = text(values, 'probe-out')
  if (probeOut !== undefined && result.probes !== undefined) await writeProbes(probeOut, result.probes)
  if (values.json !== true) return undefined
  const { nx, ny, t, steps, dt, stats } = result
  const files = {
    ...{ field: out ?? null, frames: text(values, 'frames') ?? null, vtk: text(values, 'vtk') ?? null },
    probes: probeOut ?? null,
  }
  const probes: { probes?: ProbesResult } = result.probes === undefined ? {} : { probes: result.probes }
  return `${JSON.stringify({ status: 'done', nx, ny, t, steps, dt, stats, files, ...probes })}\n`
}

/**
 * Library messages that name a section set by several flags, renamed to the flags typed: the grid (a
 * size limit) to --nx/--ny or the --initial file that set it; a boundary side to its own flag.
 */
export function typedNames(message: string, typed: ReadonlySet<string>): string {
  const grid = ['nx', 'ny'].filter((f) => typed.has(f)).map((f) => `--${f}`)
  const gridFlag = grid.length > 0 ? grid.join(' and ') : typed.has('initial') ? '--initial' : '--nx'
  return message
    .replace(/options\.boundary: (left|right|bottom|top) and (left|right|bottom|top) must/, '--$1 and --$2 must')
    .replace(/options\.boundary\.(left|right|bottom|top)\b/g, (_, side: string) =>
      typed.has(side) ? `--${side}` : '--boundary',
    )
    .replace(/options\.grid(?![.\w])/g, gridFlag)
    .replace(
      /options\.probes\.points\[(\d+)\]\.(x|y)/g,
      (_, k: string, axis: string) => `--probe (point ${Number(k) + 1}) ${axis}`,
    )
}

/** `calor bench --out DIR`: refused before the benchmarks run when DIR is a file or cannot be created. */
export function checkBenchOut(args: readonly string[]): void {
  const at = args.findIndex((a) => a === '--out' || a.startsWith('--out='))
  if (at < 0) return
  const dir = args[at] === '--out' ? args[at + 1] : args[at].slice('--out='.length)
  if (dir === undefined || dir === '') throw new UsageError('bench --out needs a directory')
  const stat = statOf(dir)
  if (stat !== undefined && !stat.isDirectory()) {
    throw new UsageError(`bench --out must name a directory, got the file '${dir}'`)
  }
  // The nearest existing folder on the way up must be a directory we may write into (mkdir -p creates the rest).
  let existing = path.resolve(dir)
  while (statOf(existing) === undefined) existing = path.dirname(existing)
  if (!isDirectory(existing)) throw new UsageError(`bench --out: '${existing}' is a file, not a directory`)
  try {
    accessSync(existing, constants.W_OK)
  } catch {
    throw new UsageError(`bench --out: '${existing}' is not writable`)
  }
}
