/**
 * The `calor` command line, a thin shell: parse flags → SolveOptions → solve(). No numerics here.
 *
 * Exit status: 0 done; 1 a runtime failure (a worker, a file that cannot be written); 2 a bad flag
 * or value (including options the library refuses, such as an unstable --dt, and unreadable input
 * files); 130 interrupted by Ctrl-C, after a clean stop (workers gone, frames so far and their
 * manifest written).
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { AbortError, isOptionsError } from '../api/errors.js'
import { solve } from '../api/solve.js'
import type { SolveOptions, SolveResult } from '../api/types.js'
import { writeNpy } from '../storage/npy.js'
import { kAnimationFile, kManifestFile } from '../trackers/frames.js'
import { kPvdFile } from '../trackers/vtk.js'
import { checkBenchOut, finishRun } from './extras.js'
import { flagNames, parseArgsOptions, runHelp, toOptions, UsageError } from './flags.js'
import { progressReporter } from './progress.js'
import { vtkSummary } from './vtk.js'
import { sweepCommand } from './sweep.js'

const kPackageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const kExitRuntime = 1
const kExitUsage = 2
const kExitInterrupted = 130
/** Signals that stop a run cleanly; the exit code is 128 + the signal number, as a shell reports it. */
const kStopSignals = ['SIGINT', 'SIGTERM'] as const
const exitCodeOf = (name: NodeJS.Signals) => (name === 'SIGTERM' ? 143 : kExitInterrupted)

const kHelp = `calor: a heat-equation solver (Rust stencil kernel on worker threads)

Usage:
  calor run [flags]       solve, write PNG frames and the final field (see calor run --help)
  calor sweep JOBS.json   run many jobs on a pool of workers (see calor sweep --help)
  calor bench [args]      run the benchmark suite (bench/run.mjs), passing args on
  calor --help            this help
  calor --version         the version
`

/** Colour only on a terminal, and never when NO_COLOR is set to anything non-empty (no-color.org). */
const useColour = () => process.stdout.isTTY && !process.env.NO_COLOR
const bold = (text: string) => (useColour() ? `\x1b[1m${text}\x1b[22m` : text)

/** Parses `calor run` flags; a parser complaint becomes a UsageError naming the flag. */
function parseRunArgs(args: string[]) {
  try {
    return parseArgs({ args, options: parseArgsOptions(), strict: true, allowPositionals: false }).values
  } catch (error) {
    const e = error as Error & { code?: string }
    const flag = /'(-[^' ]+)/.exec(e.message)?.[1]
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown flag ${flag}`)
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${flag} needs a value`)
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new UsageError(`unexpected argument ${/'[^']*'/.exec(e.message)?.[0]}; calor run takes only flags`)
    }
    throw error
  }
}

/** Where the output went, for the final line. */
function outputs(options: SolveOptions, out: string | undefined): string {
  const parts: string[] = []
  const dir = options.frames?.dir
  if (dir !== undefined) {
    const manifest = JSON.parse(readFileSync(path.join(dir, kManifestFile), 'utf8')) as { frames: unknown[] }
    const animation = options.frames?.animation ? ` + ${kAnimationFile}` : ''
    parts.push(`${manifest.frames.length} frames in ${dir}${path.sep} (${kManifestFile}${animation})`)
  }
  if (options.vtk !== undefined) parts.push(vtkSummary(options.vtk.dir))
  if (out !== undefined) parts.push(`field in ${out}`)
  return parts.length === 0 ? 'no output written (use --frames DIR, --vtk DIR or --out FILE.npy)' : parts.join(', ')
}

function summary(result: SolveResult, options: SolveOptions, out: string | undefined): string {
  const { seconds, updatesPerSecond, threads, backend } = result.stats
  const rate = `${(updatesPerSecond / 1e6).toFixed(1)} M updates/s`
  const head = `${result.steps} steps of ${result.nx}×${result.ny} to t = ${result.t.toPrecision(6)} in ${seconds.toFixed(2)} s`
  return `${bold('done')}: ${head}, ${rate} (${backend}, ${threads} threads); ${outputs(options, out)}\n`
}

async function run(args: string[]): Promise<number> {
  const values = parseRunArgs(args)
  if (values.help) {
    process.stdout.write(runHelp())
    return 0
  }
  const { options, out } = await toOptions(values)
  const controller = new AbortController()
  // The first Ctrl-C (or SIGTERM, as from `kill` or a service manager) stops the run cleanly, keeping
  // the frames and their manifest; a second one gives up waiting.
  const onSignal = (name: NodeJS.Signals) =>
    controller.signal.aborted ? process.exit(exitCodeOf(name)) : controller.abort(name)
  for (const name of kStopSignals) process.on(name, onSignal)
  const progress = progressReporter(process.stderr, values.quiet === true)
  let step = 0
  try {
    const result = await solve({
      ...options,
      signal: controller.signal,
      onProgress: (p) => {
        step = p.step
        progress.update(p)
      },
    })
    progress.stop()
    if (out !== undefined) await writeNpy(out, result.field, [result.ny, result.nx])
    process.stdout.write((await finishRun(result, values, out)) ?? summary(result, options, out))
    return 0
  } catch (error) {
    progress.stop()
    if (!(error instanceof AbortError)) throw error
    const frames = options.frames ? `; frames so far in ${options.frames.dir} (see ${kManifestFile})` : ''
    const vtk = options.vtk ? `; VTK files so far in ${options.vtk.dir} (see ${kPvdFile})` : ''
    const kept = frames + vtk
    process.stderr.write(`calor: interrupted at step ${step}${kept}\n`)
    return exitCodeOf(controller.signal.reason as NodeJS.Signals)
  } finally {
    for (const name of kStopSignals) process.off(name, onSignal)
  }
}

/** Runs bench/run.mjs with `args` and resolves with its exit status. */
function bench(args: string[]): Promise<number> {
  checkBenchOut(args)
  const script = path.join(kPackageRoot, 'bench', 'run.mjs')
  if (!existsSync(script)) throw new Error(`the benchmark suite ${script} is missing`)
  const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' })
  // Ctrl-C reaches the child through the terminal; wait for it to finish instead of dying first. A
  // SIGTERM is sent to this process only: pass it on, then wait likewise.
  const ignore = () => {}
  const forward = () => void child.kill('SIGTERM')
  process.on('SIGINT', ignore)
  process.on('SIGTERM', forward)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore)
      process.off('SIGTERM', forward)
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? exitCodeOf(signal) : kExitRuntime))
    })
  })
}

function version(): string {
  return (JSON.parse(readFileSync(path.join(kPackageRoot, 'package.json'), 'utf8')) as { version: string }).version
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'run':
      return run(rest)
    case 'sweep':
      return sweepCommand(rest)
    case 'bench':
      return bench(rest)
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(kHelp)
      return 0
    case '--version':
      process.stdout.write(`${version()}\n`)
      return 0
    case undefined:
      process.stderr.write(kHelp)
      return kExitUsage
    default:
      throw new UsageError(`unknown command '${command}'; expected run, sweep or bench`)
  }
}

/** Prints an error and picks the exit status: 2 for bad input (a flag, or an option the library refused), 1 otherwise. */
function fail(error: unknown): number {
  const usage = error instanceof UsageError || isOptionsError(error)
  const message = flagNames(error instanceof Error ? error.message : String(error))
  const hint = usage ? ' (see calor run --help)' : ''
  process.stderr.write(`calor: ${message}${hint}\n`)
  return usage ? kExitUsage : kExitRuntime
}

/** Runs the command line; resolves when done, having set process.exitCode. */
export async function cli(argv: string[]): Promise<void> {
  await main(argv).then(
    (code) => (process.exitCode = code),
    (error) => (process.exitCode = fail(error)),
  )
}
