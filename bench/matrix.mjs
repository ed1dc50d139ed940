/**
 * The measurement matrix: which cells to run (grid size × threads × backend), whether a grid fits in
 * memory, and how one cell is timed. A cell creates one `Solver`, warms it up while it calibrates the
 * step count, then times `advance({ steps })` several times on the same solver.
 */
import os from 'node:os'

import { Solver } from 'calor'

/** Updates counted per step: the interior nodes (Dirichlet boundary nodes do not evolve), as the C reference counts. */
export const interiorOf = (nodes) => (nodes - 2) * (nodes - 2)

/** Bytes held while a cell is built: two shared fields, a copy made while packing, the initial field, the C reference's two arrays. */
const kBytesPerNode = 8 * 6
/** Leave this much of the free memory to everyone else on the machine. */
const kMemoryShare = 0.6
/** A cell stops repeating once its timed runs add up to this many seconds (the js backend on large grids). */
const kCellBudgetSeconds = 4
/** The first calibration run does about this many updates. */
const kCalibrationUpdates = 1e6

/** Null if a grid of nodes² fits in memory, else the reason it is skipped. */
export function memoryShortfall(nodes, freeBytes = os.freemem()) {
  const need = nodes * nodes * kBytesPerNode
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

/** The cells in run order: by size, then threads, then backend, so a native cell and its C run sit side by side. */
export function planCells(config) {
  const cells = []
  for (const nodes of config.sizes) {
    for (const threads of config.threads) {
      for (const backend of config.backends) cells.push({ nodes, threads, backend })
    }
  }
  return cells
}

/** A smooth field away from zero with a fixed boundary, so that no value decays towards subnormals. */
function solverOptions({ nodes, threads, backend }) {
  return {
    grid: { nx: nodes, ny: nodes },
    initial: (x, y) => 1 + Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
    boundary: { type: 'dirichlet', value: 1 },
    backend,
    threads,
  }
}

/** Wall-clock seconds of one `advance({ steps })`. */
async function timeAdvance(solver, steps) {
  const started = performance.now()
  await solver.advance({ steps })
  return (performance.now() - started) / 1000
}

/**
 * Warms the solver up with growing runs until one lasts a quarter of the target, then returns the step
 * count that should last `target` seconds (at least 1), and the seconds one such run is expected to take.
 */
async function calibrate(solver, interior, target) {
  let steps = Math.max(1, Math.round(kCalibrationUpdates / interior))
  for (;;) {
    const seconds = await timeAdvance(solver, steps)
    if (seconds >= target / 4) {
      const chosen = Math.max(1, Math.round((steps * target) / seconds))
      return { steps: chosen, expected: (seconds * chosen) / steps }
    }
    steps *= seconds > 0 ? Math.min(16, Math.ceil(target / 4 / seconds)) : 16
  }
}

/** Timed runs: fewer on cells whose runs are long, so the whole suite keeps to its time budget. */
function repeatsFor(config, expectedSeconds) {
  return Math.max(1, Math.min(config.repeats, Math.floor(kCellBudgetSeconds / Math.max(expectedSeconds, 1e-9))))
}

/**
 * Runs one cell: create a Solver, calibrate (the warm-up), one more untimed run, then the timed runs.
 * `afterRun(steps)` is awaited after each timed run (the C reference runs there, interleaved).
 */
export async function runCell(cell, config, afterRun = async () => {}) {
  const interior = interiorOf(cell.nodes)
  const solver = await Solver.create(solverOptions(cell))
  try {
    const { steps, expected } = await calibrate(solver, interior, config.seconds)
    const repeats = repeatsFor(config, expected)
    await timeAdvance(solver, steps)
    const seconds = []
    for (let r = 0; r < repeats; r++) {
      seconds.push(await timeAdvance(solver, steps))
      await afterRun(steps)
    }
    const mlups = seconds.map((s) => (interior * steps) / s / 1e6)
    return { ...cell, interior, steps, repeats, threadsUsed: solver.threads, seconds, mlups: summarize(mlups) }
  } finally {
    await solver.close()
  }
}
