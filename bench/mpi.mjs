/**
 * `npm run bench -- --mpi [--ranks 1,2,3,4] [--steps 160] [--repeats 3]`: weak scaling of
 * `solve({ mpi: true })` on this machine, 2049² nodes per rank on one thread each, and the cost of the
 * halo exchange: as measured inside the solves (transfer plus waiting for the slower neighbour) and the
 * transfer alone (bench/mpi-halo.mjs with the same message size). Ends with a paper estimate for 64 hosts
 * from the measured per-step costs. Writes <out>/mpi-latest.json.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

import { kProjectRoot } from './args.mjs'

const kNodes = 2049
/** Steps per exchange and rows per exchange (lib/parallel/slab.ts kHaloDepth). */
const kHalo = 8
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ms = (s) => (s * 1e3).toFixed(2)
const us = (s) => (s * 1e6).toFixed(1)
const kEnv = { ...process.env, UCX_MEM_EVENTS: 'no', UCX_RNDV_THRESH: '262144', MPIEXEC_TIMEOUT: '600' }

function mpiexec(ranks, script, args) {
  const file = path.join(kProjectRoot, 'bench', script)
  const out = execFileSync('mpiexec', ['-n', String(ranks), process.execPath, file, ...args], { env: kEnv })
  return out
    .toString()
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
}

/** Median over repeats of the slowest rank's seconds and exchange seconds, per step. */
function weakScaling(ranks, steps, repeats) {
  const runs = mpiexec(ranks, 'mpi-rank.mjs', [
    '--nodes',
    `${kNodes}`,
    '--steps',
    `${steps}`,
    '--repeats',
    `${repeats}`,
  ])
  const step = median(runs.map((r) => r.seconds / steps))
  const exchange = median(runs.map((r) => r.exchangeSeconds / steps))
  const one =
    ranks === 1
      ? runs
      : mpiexec(1, 'mpi-rank.mjs', [
          '--nodes',
          `${kNodes}`,
          '--steps',
          `${steps}`,
          '--repeats',
          `${repeats}`,
          '--baseline',
          `${ranks}`,
        ])
  const threadsPerStep = median(one.map((r) => r.seconds / steps))
  return { ranks, steps, repeats, secondsPerStep: step, exchangeSecondsPerStep: exchange, threadsPerStep, runs }
}

/** One exchange's transfer alone: two sendrecvs of kHalo padded rows, between two ranks. */
function transferAlone() {
  const [run] = mpiexec(2, 'mpi-halo.mjs', ['--values', `${kHalo * (kNodes + 2)}`, '--calls', '2000', '--batches', '5'])
  return { secondsPerSendrecv: run.secondsPerCall, secondsPerStep: (2 * run.secondsPerCall) / kHalo }
}

/**
 * 64 hosts, one rank each with 2049² nodes: every interior host swaps kHalo rows with two neighbours
 * every kHalo steps, at the same time as the others (the cost does not grow with the host count).
 * Network assumed: 10 GbE, 30 µs latency, 1.1 GB/s per direction.
 */
function estimate64(computePerStep) {
  const bytes = kHalo * (kNodes + 2) * 8
  const network = (2 * (30e-6 + bytes / 1.1e9)) / kHalo
  const perStep = computePerStep + network
  const gatherSeconds = (64 * kNodes * kNodes * 8) / 1.1e9
  return { hosts: 64, computePerStep, exchangePerStep: network, efficiency: computePerStep / perStep, gatherSeconds }
}

function report(result, print) {
  const base = result.scaling[0].secondsPerStep
  print(`\nWeak scaling, ${kNodes}² nodes per rank, 1 thread per rank, native (${os.availableParallelism()} cores:`)
  print('ranks beyond that are oversubscribed and their efficiency says more about sharing cores than about MPI)')
  print('"threads": the same grid in one process on as many threads as ranks, no MPI (same cores, same memory bus)')
  print('ranks  ms/step  exchange ms/step  exchange %  efficiency  threads ms/step')
  for (const s of result.scaling) {
    const pct = (100 * s.exchangeSecondsPerStep) / s.secondsPerStep
    const over = s.ranks > os.availableParallelism() ? '  (oversubscribed)' : ''
    print(
      `${String(s.ranks).padStart(5)}  ${ms(s.secondsPerStep).padStart(7)}  ${ms(s.exchangeSecondsPerStep).padStart(16)}  ${pct.toFixed(1).padStart(10)}  ${((100 * base) / s.secondsPerStep).toFixed(1).padStart(9)}%  ${ms(s.threadsPerStep).padStart(15)}${over}`,
    )
  }
  const t = result.transfer
  print(
    `\nTransfer alone: ${us(t.secondsPerSendrecv)} µs per sendrecv of ${kHalo} rows, ${us(t.secondsPerStep)} µs per step`,
  )
  print(
    `  = ${((100 * t.secondsPerStep) / base).toFixed(2)}% of a ${ms(base)} ms step (target < 5%); the rest of the in-solve`,
  )
  print('  exchange time is waiting for the slower neighbour (load on this shared machine).')
  const e = result.estimate64
  print(
    `\nPaper estimate, 64 hosts × ${kNodes}² (10 GbE assumed: 30 µs, 1.1 GB/s): compute ${ms(e.computePerStep)} ms/step,`,
  )
  print(`  exchange ${us(e.exchangePerStep)} µs/step, efficiency ${(100 * e.efficiency).toFixed(1)}%; gathering the`)
  print(
    `  whole field on rank 0 at the end moves ${((64 * kNodes * kNodes * 8) / 1e9).toFixed(1)} GB, about ${e.gatherSeconds.toFixed(1)} s.`,
  )
}

export function runMpiBench(argv, { print = console.log, out = path.join(kProjectRoot, 'bench', 'results') } = {}) {
  const { values } = parseArgs({
    args: argv,
    options: {
      mpi: { type: 'boolean' },
      ranks: { type: 'string' },
      steps: { type: 'string' },
      repeats: { type: 'string' },
      out: { type: 'string' },
    },
  })
  const ranks = (values.ranks ?? '1,2,3,4').split(',').map(Number)
  const [steps, repeats] = [Number(values.steps ?? 160), Number(values.repeats ?? 3)]
  const scaling = ranks.map((r) => {
    print(`  ${r} rank(s)…`)
    return weakScaling(r, steps, repeats)
  })
  const transfer = transferAlone()
  const result = {
    date: new Date().toISOString(),
    loadAverage: os.loadavg(),
    nodes: kNodes,
    halo: kHalo,
    scaling,
    transfer,
  }
  result.estimate64 = estimate64(scaling[0].secondsPerStep)
  report(result, print)
  const dir = values.out ?? out
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'mpi-latest.json'), `${JSON.stringify(result, null, 2)}\n`)
  print(`\nLoad average ${os.loadavg()[0].toFixed(1)}. Wrote ${path.join(dir, 'mpi-latest.json')}`)
  return 0
}
