/**
 * Latency of small solves (issue 17, item 3): `solve()` of 65² for 10 steps, the first call of a process
 * (it starts the workers and loads the kernel) and the calls after it (on the warm pool's workers). Each
 * cell runs in a fresh child process, so that its first call really is the first. Run as a script, this
 * file is that child: `node bench/latency.mjs <backend> <threads|default> <calls> [solve|Solver]` prints one
 * JSON line. The 'Solver' cells time the same problem as Solver.create, advance, field() and close() in a
 * loop (its workers come from the same warm pool).
 *
 * And the time of `Solver.create` on a large grid (item 4), from initial 0 and from a function, with the
 * fields on huge pages and without (CALOR_HUGE_PAGES=0), against one plain step of the same solver and
 * the bare cost of the function; also one fresh child per run (`node bench/latency.mjs create …`). Beside
 * them, the floor under any create: writing the same bytes of fresh memory once on the same threads (the
 * addon's `firstWriteSeconds`: page faults, which the kernel answers by zeroing each page), each run in
 * its own fresh child too (`node bench/latency.mjs firstwrite …`), interleaved with the create runs.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

import { Solver, solve } from 'calor'

import { memoryShortfall, summarize } from './matrix.mjs'

const run = promisify(execFile)
export const kLatencyProblem = { nodes: 65, steps: 10 }
const kWarmCalls = { quick: 10, full: 40 }

/** One call of the problem through `api`: solve(), or a Solver created, advanced and closed; its threads. */
async function callOnce(api, options) {
  if (api === 'solve') return (await solve(options)).stats.threads
  const { steps, ...rest } = options
  const solver = await Solver.create(rest)
  try {
    await solver.advance({ steps })
    solver.field()
    return solver.threads
  } finally {
    await solver.close()
  }
}

/** The child: times `calls` calls through `api` in a row and prints { first, warm: [ms…], threads }. */
async function child(backend, threads, calls, api) {
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
    used = await callOnce(api, options)
    times.push(performance.now() - started)
  }
  console.log(JSON.stringify({ first: times[0], warm: times.slice(1), threads: used }))
}

/** One cell: a child process for (api, backend, threads); its first call and its warm ones, in ms. */
async function measureCell(backend, threads, calls, api) {
  const script = fileURLToPath(import.meta.url)
  const { stdout } = await run(process.execPath, [script, backend, String(threads), String(calls), api])
  const { first, warm, threads: used } = JSON.parse(stdout)
  return { api, backend, threads, threadsUsed: used, firstMs: first, warmMs: summarize(warm), calls }
}

/** Every latency cell: solve() on both backends with the default thread count and 1 and 2 threads; a Solver on 2. */
export async function measureLatency(config, log) {
  const calls = 1 + (config.quick ? kWarmCalls.quick : kWarmCalls.full)
  const cells = []
  const plan = [...['default', 1, 2].map((threads) => ['solve', threads]), ['Solver', 2]]
  for (const [api, threads] of plan) {
    for (const backend of config.backends) {
      const cell = await measureCell(backend, threads, calls, api)
      const warm = cell.warmMs
      log(
        `  latency ${kLatencyProblem.nodes}² × ${kLatencyProblem.steps} steps, ${api}, ${backend}, threads ${threads} ` +
          `(${cell.threadsUsed} used): first ${cell.firstMs.toFixed(1)} ms, warm ${warm.median.toFixed(2)} ms ` +
          `(${warm.min.toFixed(2)}–${warm.max.toFixed(2)})`,
      )
      cells.push(cell)
    }
  }
  return { problem: kLatencyProblem, cells, create: await measureCreate(config, log) }
}

/** The function initial of the create cells, the same the peak-memory child uses. */
const kCreateFunction = (x, y) => Math.sin(3 * x) * Math.cos(2 * y)
/** Fresh children per create cell, run round after round over the cells. */
const kCreateRepeats = { quick: 1, full: 3 }

/** Seconds of calling `f` at every node of a nodes² grid of unit extent in a plain loop, storing nothing. */
function bareCost(f, nodes) {
  const h = 1 / (nodes - 1)
  let sum = 0
  const started = performance.now()
  for (let j = 0; j < nodes; j++) for (let i = 0; i < nodes; i++) sum += f(i * h, j * h)
  const seconds = (performance.now() - started) / 1000
  if (!Number.isFinite(sum)) throw new Error(`the create function summed to ${sum}`)
  return seconds
}

/** The create child: Solver.create, then three single steps; prints { createSeconds, stepSeconds, functionSeconds }. */
async function createChild(nodes, initial, threads) {
  const options = { grid: { nx: nodes, ny: nodes }, threads, backend: 'native' }
  let started = performance.now()
  const solver = await Solver.create({ ...options, initial: initial === 'function' ? kCreateFunction : 0 })
  const createSeconds = (performance.now() - started) / 1000
  const steps = []
  for (let k = 0; k < 3; k++) {
    started = performance.now()
    await solver.advance({ steps: 1 })
    steps.push((performance.now() - started) / 1000)
  }
  await solver.close()
  const functionSeconds = initial === 'function' ? bareCost(kCreateFunction, nodes) : 0
  console.log(JSON.stringify({ createSeconds, stepSeconds: summarize(steps).median, functionSeconds }))
}

/** Bytes of the two halo-padded fields of a nodes² grid. */
const fieldBytes = (nodes) => 2 * (nodes + 2) ** 2 * Float64Array.BYTES_PER_ELEMENT

/** The first-write child: prints { firstWriteSeconds } for the two fields' bytes on `threads` threads. */
async function firstWriteChild(nodes, threads) {
  const { firstWriteSeconds } = await import('../crate/index.js')
  const seconds = firstWriteSeconds(fieldBytes(nodes), threads, process.env.CALOR_HUGE_PAGES !== '0')
  console.log(JSON.stringify({ firstWriteSeconds: seconds }))
}

/** One run of a create cell (or with `mode` 'firstwrite', of its floor) in a fresh child, the advice on or off through CALOR_HUGE_PAGES. */
async function runCreateChild(nodes, initial, threads, hugePages, mode = 'create') {
  const args = [fileURLToPath(import.meta.url), mode, String(nodes), initial, String(threads)]
  const env = { ...process.env, CALOR_HUGE_PAGES: hugePages ? '1' : '0' }
  return JSON.parse((await run(process.execPath, args, { env })).stdout)
}

function createLine(nodes, threads, cell) {
  const ms = (seconds) => `${(seconds * 1000).toFixed(0)} ms`
  const [create, step, own] = [cell.createSeconds, cell.stepSeconds.median, cell.functionSeconds.median]
  const less = cell.initial === 'function' ? `, less the function's own ${ms(own)}` : ''
  const floor = cell.firstWriteSeconds.median
  return (
    `  create ${nodes}² native ${threads} thr, initial ${cell.initial === 'function' ? 'a function' : '0'}, ` +
    `${cell.hugePages ? 'huge pages' : '4 KiB pages'}: ${ms(create.median)} (${ms(create.min)}–${ms(create.max)})` +
    `${less} = ${((create.median - own) / step).toFixed(1)} × one step (${(step * 1000).toFixed(1)} ms); ` +
    `first write of fresh memory alone ${ms(floor)} = ${(floor / step).toFixed(1)} steps`
  )
}

/**
 * Create cells of a nodes² grid (8193², 514² in quick mode) on the most threads the bench runs:
 * initial 0 or a function × huge pages or not, interleaved run by run. Null where it does not fit.
 */
export async function measureCreate(config, log, nodes = config.quick ? 514 : 8193) {
  if (memoryShortfall(nodes, 1) !== null) return null
  const threads = Math.max(...config.threads)
  const cells = ['zero', 'function'].flatMap((initial) => [true, false].map((hugePages) => ({ initial, hugePages })))
  const runs = cells.map(() => [])
  const floors = [[], []]
  for (let r = 0; r < (config.quick ? kCreateRepeats.quick : kCreateRepeats.full); r++) {
    for (const [k, c] of cells.entries()) runs[k].push(await runCreateChild(nodes, c.initial, threads, c.hugePages))
    for (const huge of [0, 1]) floors[huge].push(await runCreateChild(nodes, '-', threads, huge === 1, 'firstwrite'))
  }
  const of = (list, key) => summarize(list.map((run) => run[key]))
  const measured = cells.map((c, k) => {
    const [createSeconds, stepSeconds, functionSeconds] = ['createSeconds', 'stepSeconds', 'functionSeconds'].map(
      (key) => of(runs[k], key),
    )
    const firstWriteSeconds = of(floors[c.hugePages ? 1 : 0], 'firstWriteSeconds')
    return { ...c, runs: runs[k].length, createSeconds, stepSeconds, functionSeconds, firstWriteSeconds }
  })
  for (const cell of measured) log(createLine(nodes, threads, cell))
  return { nodes, threads, cells: measured }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [mode, ...rest] = process.argv.slice(2)
  if (mode === 'create') await createChild(Number(rest[0]), rest[1], Number(rest[2]))
  else if (mode === 'firstwrite') await firstWriteChild(Number(rest[0]), Number(rest[2]))
  else await child(mode, rest[0], Number(rest[1]), rest[2] ?? 'solve')
}
