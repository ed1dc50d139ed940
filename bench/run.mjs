#!/usr/bin/env node
/**
 * The benchmark suite: `npm run bench [-- options]` or `calor bench [options]` (see --help).
 * Measures memory bandwidth, compiles the C reference, runs the matrix one grid size at a time (the
 * cells of a size and the C reference interleaved run by run), then prints a table and writes JSON + an
 * SVG chart.
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

import { measureBandwidth } from './bandwidth.mjs'
import { kUsage, kProjectRoot, parseBenchArgs, UsageError } from './args.mjs'
import { withFigures } from './figures.mjs'
import { runImplicitBench } from './implicit.mjs'
import { describeMachine, loadAverage, machineLine } from './machine.mjs'
import { cellsOfSize, memoryShortfall, runGroup, summarize } from './matrix.mjs'
import { describeReference, disposeReference, prepareReference, runReference } from './reference.mjs'
import { measureCrossover } from './crossover.mjs'
import { measureInstructions } from './instructions.mjs'
import { bestLoopRunner } from './jsloop.mjs'
import { measureLatency } from './latency.mjs'
import { measurePeakMemory } from './memory.mjs'
import { kResultsSchema, prepareOutDir, writeResults } from './results.mjs'
import { runSeparable } from './separable.mjs'
import { measureSubnormals } from './subnormal.mjs'
import { runSweepBench } from './sweep.mjs'
import {
  bandwidthTable,
  crossoverTable,
  fmt,
  inCacheTable,
  instructionsTable,
  kInCacheNodes,
  latencyTable,
  resultsTable,
  speedTable,
} from './table.mjs'

/** Best-of repeats of each bandwidth probe. */
const kBandwidthRepeats = { quick: 2, full: 8 }

function progressLine(c) {
  const ref = c.reference ? `   C ${fmt(c.reference.mlups.median)}` : ''
  const spread = `${fmt(c.mlups.min)}–${fmt(c.mlups.max)}`
  return `  ${c.nodes}${c.dims === 3 ? '³' : '²'} ${c.backend} ${c.threads} thr: ${fmt(c.mlups.median)} MLUP/s (${spread})${ref}`
}

/**
 * Runs made beside the matrix, right after each timed run of a cell and for the same steps: the C
 * reference after a native cell, the best plain JS loop (jsloop.mjs) after the js 1-thread cell.
 */
function besideRunner(reference) {
  const runs = new Map()
  let loop = null
  const record = (cell, kind, run) => {
    const byKind = runs.get(cell) ?? { reference: [], bestLoop: [] }
    byKind[kind].push(run)
    runs.set(cell, byKind)
  }
  const afterRun = async (cell, steps) => {
    const [n, dims] = [cell.nodes - 2, cell.dims ?? 2]
    if (reference.available && cell.backend === 'native') {
      record(cell, 'reference', await runReference(reference, n, steps, cell.threads, dims))
    }
    // The best plain JS loop is the 2D sweep's.
    if (cell.backend === 'js' && cell.threads === 1 && dims === 2) {
      loop ??= bestLoopRunner(n)
      const seconds = loop(steps)
      record(cell, 'bestLoop', { steps, seconds, mlups: (n * n * steps) / seconds / 1e6 })
    }
  }
  const summary = (list) => ({
    steps: list[0].steps,
    seconds: list.map((r) => r.seconds),
    mlups: summarize(list.map((r) => r.mlups)),
  })
  const attach = (result, cell) => {
    const byKind = runs.get(cell)
    if (byKind === undefined) return result
    const extra = Object.entries(byKind).filter(([, list]) => list.length > 0)
    return { ...result, ...Object.fromEntries(extra.map(([kind, list]) => [kind, summary(list)])) }
  }
  return { afterRun, attach }
}

/** All cells of one size, or their failure. */
async function measureSize(nodes, config, reference, log) {
  const cells = cellsOfSize(nodes, config)
  const runner = besideRunner(reference)
  try {
    const results = (await runGroup(cells, config, runner.afterRun)).map((r, k) => runner.attach(r, cells[k]))
    for (const r of results) log(progressLine(r))
    return { cells: results, failed: [] }
  } catch (error) {
    log(`  ${nodes}²: FAILED: ${error.message}`)
    return { cells: [], failed: cells.map((cell) => ({ ...cell, error: error.message })) }
  }
}

/** Every size that fits in memory; skipped sizes and failed cells are recorded with their reason. */
async function measureMatrix(config, reference, log) {
  const [cells, skipped, failed] = [[], [], []]
  for (const nodes of config.sizes) {
    const shortfall = memoryShortfall(nodes, cellsOfSize(nodes, config).length, undefined, config.physics)
    if (shortfall !== null) {
      skipped.push({ nodes, reason: shortfall })
      log(`  ${nodes}${config.dims === 3 ? '³' : '²'}: skipped, ${shortfall}`)
      continue
    }
    const measured = await measureSize(nodes, config, reference, log)
    cells.push(...measured.cells)
    failed.push(...measured.failed)
  }
  return { cells, skipped, failed }
}

/** Peak memory of a solver at 8193² (514² in quick mode), without and with a source; null where it does not fit. */
async function measureMemory(config, log) {
  const nodes = config.quick ? 514 : 8193
  const results = []
  for (const withSource of [false, true]) {
    if (memoryShortfall(nodes, withSource ? 2 : 1) !== null) continue
    const m = await measurePeakMemory(nodes, withSource)
    const fields = withSource ? 3 : 2
    log(
      `  peak memory ${nodes}²${withSource ? ' with a source' : ''}: ${(m.peakRssBytes / 1e9).toFixed(2)} GB RSS = ` +
        `${m.ratio.toFixed(3)} × (2 × field bytes), ${((m.ratio * 2) / fields).toFixed(3)} × the ${fields} fields held`,
    )
    results.push(m)
  }
  return results
}

/** Speed with subnormal values, with and without flushSubnormals, at 1025² (130² in quick mode). */
async function measureSubnormalCost(config, log) {
  const nodes = config.quick ? 130 : 1025
  const threads = Math.max(...config.threads)
  const timing = config.quick ? { seconds: 0.05, repeats: 1 } : { seconds: 0.4, repeats: 3 }
  const results = await measureSubnormals(nodes, config.backends, threads, timing)
  for (const backend of config.backends) {
    const of = (name) => results.find((r) => r.backend === backend && r.case === name).mlups
    const line = ['normal', 'subnormal', 'normal, flushed', 'subnormal, flushed'].map((n) => `${n} ${fmt(of(n))}`)
    log(`  subnormals ${nodes}² ${backend} ${threads} thr (MLUP/s): ${line.join(', ')}`)
  }
  return results
}

function configOf(config) {
  const { quick, sizes, threads, backends, repeats, seconds, bandwidthMegabytes, physics } = config
  return { quick, sizes, threads, backends, repeats, targetSeconds: seconds, bandwidthMegabytes, physics }
}

/** Measures everything and returns the results object (not yet written). */
async function measureAll(config, log) {
  const date = new Date().toISOString()
  const started = performance.now()
  const machine = describeMachine(kProjectRoot)
  log(`Machine: ${machineLine(machine)}`)
  log(`Memory bandwidth (${config.bandwidthMegabytes} MB arrays)…`)
  const repeats = config.quick ? kBandwidthRepeats.quick : kBandwidthRepeats.full
  const bandwidth = await measureBandwidth(config.threads, config.bandwidthMegabytes, repeats)
  const reference = prepareReference(config.reference)
  log(reference.available ? `C reference: ${reference.compiler}` : `C reference skipped: ${reference.reason}`)
  try {
    const { cells, skipped, failed } = await measureMatrix(config, reference, log)
    // Peak memory, subnormal speed and latency are measured on the plane; a 3d run measures the cubes only.
    const plane = config.dims !== 3
    const memory = plane ? await measureMemory(config, log) : []
    const subnormals = plane ? await measureSubnormalCost(config, log) : []
    const latency = plane ? await measureLatency(config, log) : null
    const durationSeconds = (performance.now() - started) / 1000
    const end = { durationSeconds, loadAverageAtEnd: loadAverage() }
    const base = { schema: kResultsSchema, date, ...end, machine, config: configOf(config) }
    const extra = { bandwidth, reference: describeReference(reference), skipped, failed, memory, subnormals, latency }
    return { ...base, ...extra, cells: withFigures(cells, bandwidth) }
  } finally {
    disposeReference(reference)
  }
}

function duration(seconds) {
  const m = Math.floor(seconds / 60)
  return m > 0 ? `${m} min ${Math.round(seconds - 60 * m)} s` : `${seconds.toFixed(1)} s`
}

/** Prints the tables and where the files went. */
function report(result, files, print) {
  print(`\n${resultsTable(result.cells)}\n`)
  print(`Native ÷ js, and js on 1 thread ÷ the best plain JS loop (same run):\n${speedTable(result.cells)}\n`)
  const inCache = inCacheTable(result.cells)
  if (inCache !== null)
    print(`Native rate ÷ the in-cache rate at ${kInCacheNodes}² (same run, same threads):\n${inCache}\n`)
  if (result.latency !== null) {
    const { nodes, steps } = result.latency.problem
    print(`solve() latency, ${nodes}² × ${steps} steps:\n${latencyTable(result.latency)}\n`)
  }
  if (result.bandwidth.measured)
    print(`Memory bandwidth (write-allocate counted):\n${bandwidthTable(result.bandwidth)}\n`)
  else print(`Memory bandwidth not measured: ${result.bandwidth.reason}`)
  for (const s of result.skipped) print(`Skipped ${s.nodes}²: ${s.reason}`)
  for (const f of result.failed) print(`Failed ${f.nodes}² ${f.backend} ${f.threads} thr: ${f.error}`)
  const load = `load average ${result.machine.loadAverage[0]} at the start, ${result.loadAverageAtEnd[0]} at the end`
  print(`Suite took ${duration(result.durationSeconds)} (${load}). Wrote ${Object.values(files).join(', ')}`)
}

/** One of the focused measurements (--latency, --instructions, --crossover): printed, and written to <out>/<name>-latest.json. */
async function runSingle(config, print, log) {
  const date = new Date().toISOString()
  const machine = describeMachine(kProjectRoot)
  log(`Machine: ${machineLine(machine)}`)
  const [name, measured, table] = config.latency
    ? ['latency', await measureLatency(config, log), latencyTable]
    : config.instructions
      ? ['instructions', await measureInstructions(log), instructionsTable]
      : ['crossover', await measureCrossover(config, log), crossoverTable]
  if (measured.available === false) {
    log(`${name} not measured: ${measured.reason}`)
    return 1
  }
  const file = path.join(config.out, `${name}-latest.json`)
  const end = { loadAverageAtEnd: loadAverage() }
  fs.writeFileSync(
    file,
    `${JSON.stringify({ schema: kResultsSchema, date, machine, ...end, [name]: measured }, null, 2)}\n`,
  )
  print(
    `\n${table(measured)}\n\nLoad average ${machine.loadAverage[0]} at the start, ${end.loadAverageAtEnd[0]} at the end. Wrote ${file}`,
  )
  return 0
}

/** The suite's entry point: returns the exit code (0 ok, 1 a cell failed, 2 bad arguments). */
export async function runBench(argv, { print = console.log, log = console.error } = {}) {
  let config
  try {
    config = parseBenchArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    log(`${error.message}\n\n${kUsage}`)
    return 2
  }
  if (config.help) {
    print(kUsage)
    return 0
  }
  try {
    prepareOutDir(config.out)
  } catch (error) {
    log(error.message)
    return 2
  }
  if (config.physics === 'implicit') {
    await runImplicitBench(config, { print, log })
    return 0
  }
  if (config.sweep) return runSweepBench({ out: config.out, print, log })
  if (config.latency || config.instructions || config.crossover) return runSingle(config, print, log)
  if (config.physics === 'separable' || config.physics === 'sides') {
    await runSeparable(config, print, config.physics)
    return 0
  }
  const result = await measureAll(config, log)
  report(result, writeResults(config.out, result), print)
  return result.failed.length > 0 ? 1 : 0
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2)
  // --mpi: the MPI benchmark (bench/mpi.mjs), loaded only then: it needs mpiexec and the calor-mpi addon.
  if (argv.includes('--mpi')) process.exitCode = (await import('./mpi.mjs')).runMpiBench(argv)
  else process.exitCode = await runBench(argv)
}
