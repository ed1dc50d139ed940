/**
 * Latency of small solves (issue 17, item 3): `solve()` of 65² for 10 steps, the first call of a process
 * (it starts the workers and loads the kernel) and the calls after it (on the warm pool's workers). Each
 * cell runs in a fresh child process, so that its first call really is the first. Run as a script, this
 * file is that child: `node bench/latency.mjs <backend> <threads|default> <calls>` prints one JSON line.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

import { solve } from 'calor'

import { summarize } from './matrix.mjs'

const run = promisify(execFile)
export const kLatencyProblem = { nodes: 65, steps: 10 }
const kWarmCalls = { quick: 10, full: 40 }

/** The child: times `calls` solve()s in a row and prints { first, warm: [ms…], threads }. */
async function child(backend, threads, calls) {
  const { nodes, steps } = kLatencyProblem
  const options = {
    grid: { nx: nodes, ny: nodes },
    initial: (x, y) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
    steps,
    backend,
    ...(threads === 'default' ? {} : { threads: Number(threads) }),
  }
  const times = []
  let used = 0
  for (let k = 0; k < calls; k++) {
    const started = performance.now()
    used = (await solve(options)).stats.threads
    times.push(performance.now() - started)
  }
  console.log(JSON.stringify({ first: times[0], warm: times.slice(1), threads: used }))
}

/** One cell: a child process for (backend, threads); its first call and the median of the warm ones, in ms. */
async function measureCell(backend, threads, calls) {
  const script = fileURLToPath(import.meta.url)
  const { stdout } = await run(process.execPath, [script, backend, String(threads), String(calls)])
  const { first, warm, threads: used } = JSON.parse(stdout)
  return { backend, threads, threadsUsed: used, firstMs: first, warmMs: summarize(warm), calls }
}

/** Every latency cell: both backends, with the default thread count and with 1 and 2 threads. */
export async function measureLatency(config, log) {
  const calls = 1 + (config.quick ? kWarmCalls.quick : kWarmCalls.full)
  const cells = []
  for (const threads of ['default', 1, 2]) {
    for (const backend of config.backends) {
      const cell = await measureCell(backend, threads, calls)
      const warm = cell.warmMs
      log(
        `  latency ${kLatencyProblem.nodes}² × ${kLatencyProblem.steps} steps, ${backend}, threads ${threads} ` +
          `(${cell.threadsUsed} used): first ${cell.firstMs.toFixed(1)} ms, warm ${warm.median.toFixed(2)} ms ` +
          `(${warm.min.toFixed(2)}–${warm.max.toFixed(2)})`,
      )
      cells.push(cell)
    }
  }
  return { problem: kLatencyProblem, cells }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [backend, threads, calls] = process.argv.slice(2)
  await child(backend, threads, Number(calls))
}
