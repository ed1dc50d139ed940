/**
 * Command-line options of the benchmark suite (`npm run bench -- …`, `calor bench …`): parsed once into
 * a frozen config. A bad flag throws a UsageError that names the flag, what was expected and what was given.
 */
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { l3Megabytes } from './machine.mjs'

/** The package root (bench/..): the C yardsticks ship in bench/reference, inside the package. */
export const kProjectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** The 2D yardstick; stencil_var.c and stencil3d.c beside it are for the variable-α and 3D kernels. */
export const kDefaultReference = path.join(kProjectRoot, 'bench', 'reference', 'stencil.c')
/** Results go below the current directory, never into the package (which may be in node_modules). */
export const kDefaultOut = 'calor-bench'

/** Nodes per side: 2^k + 2, so the interior (what the C reference calls N) is a power of two. */
export const kDefaultSizes = [130, 258, 514, 2050, 8194]
export const kBackends = ['native', 'js']
/** Sizes of `--crossover` (native 1 against 2 threads): where the second thread starts to pay. */
export const kCrossoverSizes = [18, 34, 66, 98, 130, 194, 258, 514]
/**
 * The equation a cell solves: α = 1, or α(x, y) = 1 + x·y (the variable-diffusivity kernel); or
 * 'separable', which compares a source { shape, scale } with the same shape constant in time; 'sides', side
 * data given as functions of t against the same sides as numbers; or '3d',
 * α = 1 on a cube of nodes³ (the 7-point kernel over bands of planes) against stencil3d.c.
 */
export const kPhysics = ['constant', 'variable', 'separable', 'sides', 'implicit', '3d']
/** Nodes per side of the 3D cubes: a grid whose planes fit in L2, and one that streams from memory. */
export const kCubeSizes = [130, 386]

export const kUsage = `Usage: npm run bench -- [options]      (or: calor bench [options])

Measures the solver on a matrix of backend × threads × grid size, with the machine's memory
bandwidth and a C reference beside it; prints a table and writes JSON + an SVG chart.

Options (defaults in brackets):
  --sweep              the sweep pool instead: makespan ÷ ideal, throughput and per-job overhead
  --latency            only latency: solve() (and a Solver) of 65² × 10 steps, the first call of a process and
                       warm calls; Solver.create at 8193²
  --instructions       only instructions per cell update under valgrind's callgrind (native kernel and the
                       C yardsticks; installs valgrind from apt via scripts/setup-valgrind.sh if missing)
  --crossover          only native 1 against 2 threads on small grids [${kCrossoverSizes.join(',')}; or --sizes]
  --quick              a small subset in seconds: 130² and 514², both backends, 1 and max threads, 1 repeat
  --sizes <list>       nodes per side, comma-separated [${kDefaultSizes.join(',')}; quick: 130,514]
  --threads <list>     thread counts [1, 2, 4, … and os.availableParallelism() = ${os.availableParallelism()}]
  --backends <list>    native, js or both [native,js]
  --repeats <n>        timed runs per cell (fewer on cells whose runs are long) [7; quick: 1]
  --seconds <s>        target length of one timed run [0.4; quick: 0.05]
  --bandwidth-mb <n>   size of each bandwidth-probe array in MB, 0 to skip [2 × L3, 256…2000; quick: 32]
  --physics <kind>     constant (α = 1), variable (α = 1 + x·y, conservative form), separable (a
                       source { shape, scale } against the same source constant in time), sides (side
                       data as functions of t against the same sides as numbers), implicit
                       (instead of the matrix: time to solution, explicit vs Crank–Nicolson), or 3d
                       (α = 1 on cubes of nodes³, sizes ${kCubeSizes.join(',')}; quick: 66,130) [constant]
  --reference <path>   the C yardstick to compile with gcc, or "none" [bench/reference/stencil.c in the package;
                       variable: bench/reference/stencil_var.c; 3d: bench/reference/stencil3d.c]
  --out <dir>          where to write latest.json, a dated copy and latest.svg [./${kDefaultOut};
                       variable and 3d: their own subdirectory]
  --help               this text
  --mpi                instead: MPI weak scaling over 1–4 ranks and the halo-exchange cost (bench/mpi.mjs;
                       needs npm run setup:mpi), with --ranks <list> [1,2,3,4] --steps <n> [160] --repeats <n> [3]
`

/** A bad command line: the caller prints the message and the usage, and exits with 2. */
export class UsageError extends Error {}

const kOptions = {
  quick: { type: 'boolean', default: false },
  sweep: { type: 'boolean', default: false },
  latency: { type: 'boolean', default: false },
  instructions: { type: 'boolean', default: false },
  crossover: { type: 'boolean', default: false },
  sizes: { type: 'string' },
  threads: { type: 'string' },
  backends: { type: 'string' },
  repeats: { type: 'string' },
  seconds: { type: 'string' },
  'bandwidth-mb': { type: 'string' },
  physics: { type: 'string' },
  reference: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', default: false },
}

/** 1, 2, 4, … below `max`, then `max` itself. */
export function defaultThreadCounts(max) {
  const counts = []
  for (let t = 1; t < max; t *= 2) counts.push(t)
  return [...counts, max]
}

function integerList(flag, text, min) {
  const values = text.split(',').map((s) => Number(s.trim()))
  if (text.trim() === '' || !values.every((v) => Number.isInteger(v) && v >= min)) {
    throw new UsageError(`--${flag} must be a comma-separated list of integers >= ${min}, got "${text}"`)
  }
  return [...new Set(values)].sort((a, b) => a - b)
}

function backendList(text) {
  const values = [...new Set(text.split(',').map((s) => s.trim()))]
  if (!values.every((v) => kBackends.includes(v))) {
    throw new UsageError(`--backends must be a comma-separated list of ${kBackends.join(', ')}, got "${text}"`)
  }
  return kBackends.filter((b) => values.includes(b))
}

function numberAtLeast(flag, text, min, integer) {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${flag} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got "${text}"`)
  }
  return value
}

function physicsOf(text = 'constant') {
  if (!kPhysics.includes(text)) throw new UsageError(`--physics must be one of ${kPhysics.join(', ')}, got "${text}"`)
  return text
}

/**
 * The yardstick's source: the packaged one (for the variable physics, stencil_var.c beside it), "none",
 * or a path the user gave (relative to the current directory).
 */
function referencePath(text, physics) {
  if (text === undefined) {
    const own = { variable: 'stencil_var.c', '3d': 'stencil3d.c' }[physics]
    return own === undefined ? kDefaultReference : path.join(path.dirname(kDefaultReference), own)
  }
  return text === 'none' ? 'none' : path.resolve(text)
}

/** Probe arrays well beyond the last-level cache, but not absurdly large. */
function defaultBandwidthMegabytes() {
  return Math.min(2000, Math.max(256, Math.ceil(2 * l3Megabytes())))
}

function defaults(quick, physics) {
  const max = os.availableParallelism()
  const sizes = physics === '3d' ? (quick ? [66, 130] : kCubeSizes) : quick ? [130, 514] : kDefaultSizes
  return {
    sizes,
    threads: quick ? [...new Set([1, max])] : defaultThreadCounts(max),
    repeats: quick ? 1 : 7,
    seconds: quick ? 0.05 : 0.4,
    bandwidthMegabytes: quick ? 32 : defaultBandwidthMegabytes(),
  }
}

/** Parses argv (without node and the script) into a frozen config; throws UsageError on a bad flag. */
export function parseBenchArgs(argv) {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: kOptions, allowPositionals: false, strict: true }).values
  } catch (error) {
    throw new UsageError(error.message)
  }
  const physics = physicsOf(parsed.physics)
  const d = defaults(parsed.quick, physics)
  return Object.freeze({
    help: parsed.help,
    quick: parsed.quick,
    sweep: parsed.sweep,
    latency: parsed.latency,
    instructions: parsed.instructions,
    crossover: parsed.crossover,
    sizesGiven: parsed.sizes !== undefined,
    sizes: parsed.sizes === undefined ? d.sizes : integerList('sizes', parsed.sizes, 4),
    threads: parsed.threads === undefined ? d.threads : integerList('threads', parsed.threads, 1),
    backends: parsed.backends === undefined ? kBackends : backendList(parsed.backends),
    repeats: parsed.repeats === undefined ? d.repeats : numberAtLeast('repeats', parsed.repeats, 1, true),
    seconds: parsed.seconds === undefined ? d.seconds : numberAtLeast('seconds', parsed.seconds, 0.001, false),
    bandwidthMegabytes:
      parsed['bandwidth-mb'] === undefined
        ? d.bandwidthMegabytes
        : numberAtLeast('bandwidth-mb', parsed['bandwidth-mb'], 0, true),
    physics,
    reference: referencePath(parsed.reference, physics),
    // The variable and 3d physics write beside the constant results, never over them.
    out: path.resolve(parsed.out ?? kDefaultOut, ...(physics === 'variable' || physics === '3d' ? [physics] : [])),
    dims: physics === '3d' ? 3 : 2,
  })
}
