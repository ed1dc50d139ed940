/**
 * The measurement matrix: which cells to run (grid size × threads × backend), whether a grid fits in
 * memory, and how they are timed. Each cell has one `Solver`, warmed up while its step count is
 * calibrated, then timed over several `advance({ steps })` calls, interleaved with the other cells of
 * the same grid size.
 */
import os from 'node:os'

import { Solver } from 'calor'

/**
 * Updates counted per step: the interior nodes (Dirichlet boundary nodes do not evolve), as the C reference
 * counts; `dims` 3 for a cube of nodes³.
 */
export const interiorOf = (nodes, dims = 2) => (nodes - 2) ** dims

/**
 * Bytes per node a group of `cells` solvers holds: each keeps two shared fields and its validated
 * initial field (a variable α adds its nodal field and four face arrays); building one makes a
 * transient copy; the C reference has two arrays, and so has the best JS loop beside the js cell.
 */
const bytesPerNode = (cells, physics) => 8 * ((physics === 'variable' ? 8 : 3) * cells + 1 + 2 + 2)
/** Leave this much of the free memory to everyone else on the machine. */
const kMemoryShare = 0.6
/** A cell stops repeating once its timed runs add up to this many seconds (the js backend on large grids). */
const kCellBudgetSeconds = 4
/** The first calibration run does about this many updates. */
const kCalibrationUpdates = 1e6

/** Null if `cells` solvers on a grid of nodes² (nodes³ for '3d') fit in memory together, else the reason the size is skipped. */
export function memoryShortfall(nodes, cells, freeBytes = os.freemem(), physics = 'constant') {
  const need = nodes ** (physics === '3d' ? 3 : 2) * bytesPerNode(cells, physics)
  if (need <= kMemoryShare * freeBytes) return null
  const gb = (bytes) => (bytes / 1e9).toFixed(1)
  return `needs about ${gb(need)} GB, more than ${kMemoryShare * 100}% of the ${gb(freeBytes)} GB free`
}

/** Median, min and max of a list of numbers. */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return { median, min: sorted[0], max: sorted[sorted.length - 1] }
}

/** The cells of one grid size, in table order: by threads, then backend. */
export function cellsOfSize(nodes, config) {
  const shape = config.dims === 3 ? { dims: 3 } : {}
  return config.threads.flatMap((threads) => config.backends.map((backend) => ({ nodes, ...shape, threads, backend })))
}

/**
 * A smooth field away from zero with a fixed boundary, so that no value decays towards subnormals; the
 * variable physics takes α = 1 + x·y, as bench/reference/stencil_var.c does.
 */
function solverOptions({ nodes, threads, backend }, physics) {
  if (physics === '3d') {
    return {
      grid: { nx: nodes, ny: nodes, nz: nodes, lx: 1, ly: 1, lz: 1 },
      initial: (x, y, z) => 1 + Math.sin(Math.PI * x) * Math.sin(Math.PI * y) * Math.sin(Math.PI * z),
      boundary: { type: 'dirichlet', value: 1 },
      backend,
      threads,
    }
  }
  return {
    grid: { nx: nodes, ny: nodes },
    ...(physics === 'variable' ? { diffusivity: (x, y) => 1 + x * y } : {}),
    initial: (x, y) => 1 + Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
    boundary: { type: 'dirichlet', value: 1 },
    backend,
    threads,
  }
}

/** Wall-clock seconds of one `advance({ steps })` of every solver of a cell, all at once. */
async function timeAdvance(solvers, steps) {
  const started = performance.now()
  await Promise.all(solvers.map((s) => s.advance({ steps })))
  return (performance.now() - started) / 1000
}

/** The deepest block temporal blocking's 'auto' picks for rows (kMaxDepth in lib/steppers/blocking.ts): timed runs are multiples of it. */
const kBlock = 32

/**
 * The steps of a cell's timed runs, given the `exact` count that would last the target and the seconds one
 * block of kBlock steps takes. Whole temporal blocks where a run is long enough: a run of 33 steps at
 * k = 32 would time one block and one plain step, and a run of 11 one block of 11, mixes no long run has.
 * A run shorter than a block times blocks of its own length (8194² on 1 thread: runs of 4 steps, blocks
 * of 4, at 0.7 of a long run's rate), so with `wholeBlocks` a run is one block wherever that fits the cell's budget.
 */
export function timedSteps(exact, blockSeconds, wholeBlocks) {
  if (exact >= kBlock / 4) return Math.max(1, Math.round(exact / kBlock)) * kBlock
  return wholeBlocks && blockSeconds <= kCellBudgetSeconds ? kBlock : exact
}

/**
 * Warms the solver up with growing runs until one lasts a quarter of the target, then returns the step
 * count that should last `target` seconds (at least 1), and the seconds one such run is expected to take.
 * The first run never decides: it also pays for the first writes of fresh memory (an 8194² field's first
 * step took several times a later one, and picked runs of 2 steps, blocks of 2). `wholeBlocks`: see timedSteps.
 */
async function calibrate(solvers, interior, target, wholeBlocks) {
  let steps = Math.max(1, Math.round(kCalibrationUpdates / interior))
  for (let first = true; ; first = false) {
    const seconds = await timeAdvance(solvers, steps)
    if (seconds >= target / 4 && !first) {
      const exact = Math.max(1, Math.round((steps * target) / seconds))
      const chosen = timedSteps(exact, (seconds * kBlock) / steps, wholeBlocks)
      return { steps: chosen, expected: (seconds * chosen) / steps }
    }
    steps *= seconds > 0 ? Math.min(16, Math.ceil(target / 4 / seconds)) : 16
  }
}

/** Timed runs: fewer on cells whose runs are long, so the whole suite keeps to its time budget. */
function repeatsFor(config, expectedSeconds) {
  const fit = Math.floor(kCellBudgetSeconds / Math.max(expectedSeconds, 1e-9))
  // At least three where asked for: a median of two is only their mean.
  return Math.max(1, Math.min(config.repeats, Math.max(fit, Math.min(3, config.repeats))))
}

/**
 * Creates the solvers of each cell (`cell.copies` independent ones, default 1, advanced at once),
 * calibrates each cell (the warm-up), then gives each one more untimed run.
 */
async function prepare(cells, config, made) {
  const plans = []
  for (const cell of cells) {
    const solvers = []
    for (let c = 0; c < (cell.copies ?? 1); c++) solvers.push(await Solver.create(solverOptions(cell, config.physics)))
    made.push(...solvers)
    const { steps, expected } = await calibrate(
      solvers,
      interiorOf(cell.nodes, config.dims),
      config.seconds,
      !config.quick,
    )
    plans.push({ cell, solvers, steps, repeats: repeatsFor(config, expected), seconds: [] })
  }
  for (const plan of plans) await timeAdvance(plan.solvers, plan.steps)
  return plans
}

/** A cell's rate counts the updates of all its solvers. */
function cellResult({ cell, solvers, steps, repeats, seconds }, dims) {
  const interior = interiorOf(cell.nodes, dims)
  const mlups = summarize(seconds.map((s) => (solvers.length * interior * steps) / s / 1e6))
  return { ...cell, interior, steps, repeats, threadsUsed: solvers[0].threads, seconds, mlups }
}

/**
 * Runs the cells of one grid size together, so that their ratios compare runs made at the same
 * moment on a shared, noisy machine: one Solver per cell (kept for the whole group), calibrated and
 * warmed up, then round after round of one timed run per cell. `afterRun(cell, steps)` is awaited after
 * each timed run (the C reference runs there).
 */
export async function runGroup(cells, config, afterRun = async () => {}) {
  const solvers = []
  try {
    const plans = await prepare(cells, config, solvers)
    for (let round = 0; round < config.repeats; round++) {
      for (const plan of plans.filter((p) => round < p.repeats)) {
        plan.seconds.push(await timeAdvance(plan.solvers, plan.steps))
        await afterRun(plan.cell, plan.steps)
      }
    }
    return plans.map((plan) => cellResult(plan, config.dims))
  } finally {
    await Promise.allSettled(solvers.map((s) => s.close()))
  }
}
