/**
 * `npm run bench -- --sweep`: the sweep pool on 2 workers. 16 jobs of mixed sizes (65²–513², different
 * step counts), largest first, against the ideal makespan (Σ job time / workers); the throughput of
 * the same jobs against running them one after another with `solve({ threads: 2 })`, for this mix and
 * for small jobs (65², where a solve's start-up dominates); and the pool's own overhead per job, from
 * dispatch to result minus the job's wall time inside its worker.
 */
import fs from 'node:fs'
import path from 'node:path'

import { solve, SweepPool } from 'calor'

import { jobCost, prepareJob } from '../dist/api/jobs.js'
import { TaskPool } from '../dist/parallel/tasks.js'

const kWorkers = 2
const kSizes = [65, 129, 257, 513]
const kSteps = [1600, 600, 240, 80]

/** A smooth field away from zero with a fixed boundary, so that no value decays towards subnormals. */
const job = (nodes, steps) => ({
  grid: { nx: nodes, ny: nodes },
  initial: (x, y) => 1 + Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
  boundary: { type: 'dirichlet', value: 1 },
  steps,
})

/** 16 jobs: every size with four step counts, shuffled so that input order is not cost order. */
export function mixedJobs() {
  const jobs = kSizes.flatMap((nodes, k) => [1, 2, 3, 4].map((m) => job(nodes, kSteps[k] * m)))
  return jobs.map((j, k) => jobs[(k * 7) % jobs.length])
}

const smallJobs = () => Array.from({ length: 16 }, (_, k) => job(65, 50 + 10 * k))

async function timed(run) {
  const started = performance.now()
  const value = await run()
  return { value, seconds: (performance.now() - started) / 1000 }
}

/** One pass through the task pool itself: makespan, Σ job time and the overhead of each job. */
async function poolPass(jobs) {
  const pool = new TaskPool(kWorkers)
  const group = {}
  const input = (j, index) => {
    const prepared = prepareJob(j) // evaluated before timing: the pool's overhead, not the initial field's
    return { index, prepare: () => prepared, cost: jobCost(j), rows: [0, j.grid.ny - 1], threads: 1, group }
  }
  try {
    await Promise.all(pool.runAll([input(job(17, 1), 0), input(job(17, 1), 1)])) // workers started and warm
    const inputs = jobs.map(input)
    const { value: outcomes, seconds: makespan } = await timed(() => Promise.all(pool.runAll(inputs)))
    const failed = outcomes.find((o) => o.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    const jobSeconds = outcomes.reduce((sum, o) => sum + o.seconds, 0)
    const overheads = outcomes.map((o) => (o.roundTrip - o.seconds) * 1000).sort((a, b) => a - b)
    const startup = outcomes.map((o) => (o.seconds - o.value.stats.seconds) * 1000).sort((a, b) => a - b)
    return { makespan, ideal: jobSeconds / kWorkers, overheads, startup }
  } finally {
    await pool.close()
  }
}

/** The same jobs through the public API on a warm pool, and one after another with solve({ threads: 2 }). */
async function throughput(jobs) {
  const pool = new SweepPool({ workers: kWorkers })
  try {
    await pool.sweep([job(17, 1), job(17, 1)])
    const swept = await timed(() => pool.sweep(jobs))
    const sequential = await timed(async () => {
      for (const j of jobs) await solve({ ...j, threads: 2 })
    })
    return { sweep: swept.seconds, sequential: sequential.seconds, speedup: sequential.seconds / swept.seconds }
  } finally {
    await pool.close()
  }
}

const median = (sorted) => sorted[sorted.length >> 1]
const ms = (value) => `${value.toFixed(2)} ms`

/** Runs the sweep benchmark, prints its figures and writes sweep-latest.json into `out`. */
export async function runSweepBench({ out, print = console.log, log = console.error }) {
  log(`Sweep pool: ${kWorkers} workers, 16 mixed jobs (${kSizes.join('², ')}²) and 16 small jobs (65²)…`)
  const pass = await poolPass(mixedJobs())
  const mixed = await throughput(mixedJobs())
  const small = await throughput(smallJobs())
  const result = {
    date: new Date().toISOString(),
    workers: kWorkers,
    makespan: pass.makespan,
    ideal: pass.ideal,
    makespanOverIdeal: pass.makespan / pass.ideal,
    overheadMs: { median: median(pass.overheads), max: pass.overheads.at(-1) },
    nestedSolveStartupMs: { median: median(pass.startup), max: pass.startup.at(-1) },
    throughput: { mixed, small },
  }
  print(`makespan ÷ ideal (Σ job time / ${kWorkers}): ${result.makespanOverIdeal.toFixed(3)}  (${pass.makespan.toFixed(3)} s vs ${pass.ideal.toFixed(3)} s; target ≤ 1.10)`) // prettier-ignore
  print(`throughput vs sequential solve({ threads: 2 }): mixed ${mixed.speedup.toFixed(2)}× (${mixed.sweep.toFixed(2)} s vs ${mixed.sequential.toFixed(2)} s), small ${small.speedup.toFixed(2)}× (${small.sweep.toFixed(3)} s vs ${small.sequential.toFixed(3)} s; target ≥ 1.3×)`) // prettier-ignore
  print(`pool overhead per job (dispatch → result − job time in the worker): median ${ms(result.overheadMs.median)}, max ${ms(result.overheadMs.max)} (target < 2 ms)`) // prettier-ignore
  print(`inside that job time, the nested solve's start-up (job time − stepping time): median ${ms(result.nestedSolveStartupMs.median)}`) // prettier-ignore
  fs.mkdirSync(out, { recursive: true })
  const file = path.join(out, 'sweep-latest.json')
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
  print(`Wrote ${file}`)
  return 0
}
