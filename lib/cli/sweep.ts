/**
 * `calor sweep JOBS.json`: runs a parameter study. JOBS.json holds an array of job objects (the
 * options of `calor`'s `solve()`, as JSON), or one base object with a `vary` map, such as
 * `{ "grid": { "nx": 65, "ny": 65 }, "steps": 500, "vary": { "diffusivity": [0.5, 1, 2] } }`, whose
 * Cartesian product is run (keys may be dotted paths such as "grid.nx"; the last key varies fastest).
 * Writes one `job-NNN.npy` per fulfilled job and a `results.json`, and shows a progress bar over jobs.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

import cliProgress from 'cli-progress'

import { SweepPool, type SweepEntry } from '../api/sweep.js'
import { AbortError } from '../api/errors.js'
import type { SolveOptions } from '../api/types.js'
import { writeNpy } from '../storage/npy.js'
import { UsageError } from './flags.js'

const kExitJobFailed = 1
const kExitInterrupted = 130
export const kResultsFile = 'results.json'

export const kSweepHelp = `Usage: calor sweep JOBS.json [flags]

JOBS.json is an array of jobs (solve options as JSON), or a base job with a "vary" map whose
Cartesian product is run, e.g. { "grid": { "nx": 65, "ny": 65 }, "steps": 500,
"vary": { "diffusivity": [0.5, 1, 2], "grid.nx": [33, 65] } }.

Flags (defaults in brackets):
  --out DIR              where job-NNN.npy and ${kResultsFile} go [sweep-out]
  --workers N            pool workers, one job each at a time [os.availableParallelism()]
  --threads-per-job N    solver threads per job [1]
  --quiet                no progress output
  --help                 this help

Exit status: 0 every job done; 1 a job failed (see ${kResultsFile}); 2 bad input; 130 Ctrl-C.
`

const kFlags = {
  out: { type: 'string' },
  workers: { type: 'string' },
  'threads-per-job': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean' },
} as const

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Sets a dotted path ("grid.nx") in a deep copy of `base`. */
function withValue(base: Json, key: string, value: unknown): Json {
  const [head, ...rest] = key.split('.')
  if (rest.length === 0) return { ...base, [head]: value }
  const inner = isObject(base[head]) ? base[head] : {}
  return { ...base, [head]: withValue(inner, rest.join('.'), value) }
}

/** The Cartesian product of `vary` over `base`, with each job's varied values. */
export function expandVary(base: Json, vary: unknown): { job: Json; parameters: Json }[] {
  if (!isObject(vary)) throw new UsageError(`"vary" must be an object of arrays, got ${JSON.stringify(vary)}`)
  let product: { job: Json; parameters: Json }[] = [{ job: base, parameters: {} }]
  for (const [key, values] of Object.entries(vary)) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new UsageError(`"vary.${key}" must be a non-empty array of values, got ${JSON.stringify(values)}`)
    }
    product = product.flatMap(({ job, parameters }) =>
      values.map((value: unknown) => ({
        job: withValue(job, key, value),
        parameters: { ...parameters, [key]: value },
      })),
    )
  }
  return product
}

/** Jobs of a JOBS.json document; `parameters` is what results.json records for each. */
export function jobsOf(document: unknown): { job: Json; parameters: Json }[] {
  if (Array.isArray(document)) {
    return document.map((job, index) => {
      if (!isObject(job)) throw new UsageError(`job ${index} must be an object, got ${JSON.stringify(job)}`)
      return { job, parameters: job }
    })
  }
  if (isObject(document) && 'vary' in document) {
    const { vary, ...base } = document
    return expandVary(base, vary)
  }
  throw new UsageError('JOBS.json must hold an array of jobs, or a base job with a "vary" map')
}

function integerFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${flag} must be an integer >= 1, got "${text}"`)
  return value
}

async function readJobs(file: string) {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`)
  }
  try {
    return jobsOf(JSON.parse(text))
  } catch (error) {
    if (error instanceof SyntaxError) throw new UsageError(`${file} is not valid JSON: ${error.message}`)
    throw error
  }
}

function parseSweepArgs(args: string[]) {
  try {
    return parseArgs({ args, options: kFlags, strict: true, allowPositionals: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

/** A bar over jobs on a terminal, a line per job otherwise, nothing with --quiet. */
function jobProgress(total: number, quiet: boolean) {
  const stream = process.stderr
  if (quiet) return { update() {}, stop() {} }
  if (!stream.isTTY) {
    return {
      update: (done: number, entry: SweepEntry) =>
        stream.write(`job ${entry.index} ${entry.status} (${done}/${total})\n`),
      stop() {},
    }
  }
  const format = 'jobs {value}/{total} [{bar}] {percentage}% | ETA {eta_formatted}'
  const bar = new cliProgress.SingleBar({ stream, format, hideCursor: true, fps: 10 }, cliProgress.Presets.legacy)
  bar.start(total, 0)
  return { update: (done: number) => bar.update(done), stop: () => bar.stop() }
}

function minMax(field: Float64Array): [number, number] {
  let [min, max] = [Infinity, -Infinity]
  for (const v of field) [min, max] = [Math.min(min, v), Math.max(max, v)]
  return [min, max]
}

/** One row of results.json, writing the job's field beside it. */
async function record(entry: SweepEntry, parameters: Json, out: string, digits: number): Promise<Json> {
  if (entry.status === 'rejected') {
    const reason = entry.reason as Error
    return { index: entry.index, parameters, status: 'rejected', error: `${reason.name}: ${reason.message}` }
  }
  const { field, nx, ny, steps, t, dt, stats } = entry.value
  const file = `job-${String(entry.index).padStart(digits, '0')}.npy`
  await writeNpy(path.join(out, file), field, [ny, nx])
  const [min, max] = minMax(field)
  const probes = (entry.value as { probes?: unknown }).probes
  const row = { index: entry.index, parameters, status: 'fulfilled', file, nx, ny, steps, t, dt }
  return { ...row, seconds: stats.seconds, min, max, ...(probes === undefined ? {} : { probes }) }
}

interface SweepRun {
  jobs: { job: Json; parameters: Json }[]
  out: string
  workers: number
  threadsPerJob: number | undefined
  quiet: boolean
}

/** Runs the jobs, writing each field as it comes and results.json at the end (also after an abort). */
async function runSweep(run: SweepRun, signal: AbortSignal): Promise<Json[]> {
  const { jobs, out } = run
  await mkdir(out, { recursive: true })
  const progress = jobProgress(jobs.length, run.quiet)
  const rows: Json[] = []
  const digits = String(Math.max(0, jobs.length - 1)).length
  const pool = new SweepPool({ workers: run.workers })
  try {
    const list = jobs.map((j) => j.job as unknown as SolveOptions)
    for await (const entry of pool.iterate(list, { threadsPerJob: run.threadsPerJob, signal })) {
      rows[entry.index] = await record(entry, jobs[entry.index].parameters, out, digits)
      progress.update(rows.filter(Boolean).length, entry)
    }
    return rows
  } finally {
    progress.stop()
    await pool.close()
    await writeFile(path.join(out, kResultsFile), `${JSON.stringify({ jobs: rows.filter(Boolean) }, null, 2)}\n`)
  }
}

async function parseRun(args: string[]): Promise<SweepRun | null> {
  const { values, positionals } = parseSweepArgs(args)
  if (values.help) return null
  if (positionals.length !== 1) throw new UsageError(`calor sweep takes one JOBS.json file, got ${positionals.length}`)
  const jobs = await readJobs(positionals[0])
  const workers = integerFlag('workers', values.workers) ?? os.availableParallelism()
  const threadsPerJob = integerFlag('threads-per-job', values['threads-per-job'])
  const out = path.resolve(values.out ?? 'sweep-out')
  return {
    jobs,
    out,
    workers: Math.max(1, Math.min(workers, jobs.length)),
    threadsPerJob,
    quiet: values.quiet === true,
  }
}

/** `calor sweep`: resolves with the exit status. */
export async function sweepCommand(args: string[]): Promise<number> {
  const run = await parseRun(args)
  if (run === null) return (process.stdout.write(kSweepHelp), 0)
  const controller = new AbortController()
  // The first Ctrl-C stops the sweep cleanly (workers gone, results.json written); a second gives up waiting.
  const onSigint = () => (controller.signal.aborted ? process.exit(kExitInterrupted) : controller.abort('SIGINT'))
  process.on('SIGINT', onSigint)
  try {
    const rows = await runSweep(run, controller.signal)
    const failed = rows.filter((row) => row.status === 'rejected').length
    const where = path.join(run.out, kResultsFile)
    process.stdout.write(`done: ${run.jobs.length - failed} of ${run.jobs.length} jobs; results in ${where}\n`)
    return failed > 0 ? kExitJobFailed : 0
  } catch (error) {
    if (!(error instanceof AbortError)) throw error
    process.stderr.write(`calor: sweep interrupted; finished jobs are in ${path.join(run.out, kResultsFile)}\n`)
    return kExitInterrupted
  } finally {
    process.off('SIGINT', onSigint)
  }
}
