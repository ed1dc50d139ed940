/**
 * `npm run bench -- --physics implicit`: time to solution. The problem: the 1025² unit square, α = 1,
 * Dirichlet 0, the sine mode sin(πx)·sin(πy), to t = 0.1, within a relative error of 1e-4 (max norm)
 * of the continuous answer exp(−2π²t)·sin(πx)·sin(πy). Solved explicitly (FTCS at its default dt) and
 * with Crank–Nicolson (the fewest steps, of a few candidates, that meet the error), each from a fresh
 * solve() on the same backend and threads; reported: wall time, steps, error, the speed-up, and the
 * cost of one implicit step relative to one explicit step (as run, with temporal blocking on native,
 * and without it: one sweep over memory per step, like ADI's), and the cost of a Crank–Nicolson step
 * with a variable α (the conservative operator, pivots computed as the sweep goes) relative to one with
 * a constant α (factored once per dt).
 *
 * `--quick` (or a js backend) measures explicit steps for a few seconds and extrapolates its time to
 * the steps the run needs, and says so; otherwise the explicit run goes all the way (minutes).
 */
import os from 'node:os'

import { solve } from '../dist/index.js'

const kNodes = 1025
const kTEnd = 0.1
const kTarget = 1e-4
/** Crank–Nicolson step counts tried, fewest first. */
const kImplicitSteps = [25, 50, 100, 200]
/** Explicit steps timed when the explicit run is extrapolated. */
const kSampleSteps = 2000

const mode = (x, y) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y)

function relativeError(field) {
  const decay = Math.exp(-2 * Math.PI ** 2 * kTEnd)
  const h = 1 / (kNodes - 1)
  let worst = 0
  for (let k = 0; k < field.length; k++) {
    const [i, j] = [k % kNodes, Math.floor(k / kNodes)]
    worst = Math.max(worst, Math.abs(field[k] - decay * mode(i * h, j * h)))
  }
  return worst / decay
}

async function timed(options) {
  const started = performance.now()
  const result = await solve({ grid: { nx: kNodes, ny: kNodes }, initial: mode, ...options })
  return { result, seconds: (performance.now() - started) / 1000 }
}

async function explicitRun(base, extrapolate, log) {
  const probe = await timed({ ...base, steps: 1 })
  const steps = Math.ceil(kTEnd / probe.result.dt - 1e-9)
  if (!extrapolate) {
    log(`  explicit: ${steps} steps of dt ${probe.result.dt.toExponential(3)} …`)
    const { result, seconds } = await timed({ ...base, tEnd: kTEnd })
    return {
      steps: result.steps,
      seconds,
      error: relativeError(result.field),
      perStep: result.stats.secondsPerStep,
      extrapolated: false,
    }
  }
  const sample = await timed({ ...base, steps: kSampleSteps })
  const perStep = sample.result.stats.secondsPerStep
  return { steps, seconds: perStep * steps, error: null, perStep, extrapolated: true }
}

async function implicitRun(base, log) {
  for (const steps of kImplicitSteps) {
    const { result, seconds } = await timed({ ...base, method: 'crank-nicolson', tEnd: kTEnd, dt: kTEnd / steps })
    const error = relativeError(result.field)
    log(`  crank-nicolson, ${steps} steps: ${seconds.toFixed(3)} s, relative error ${error.toExponential(2)}`)
    if (error <= kTarget) return { steps, seconds, error, perStep: result.stats.secondsPerStep }
  }
  throw new Error(`no Crank–Nicolson run of ${kImplicitSteps.join(', ')} steps met the error ${kTarget}`)
}

/** Seconds per Crank–Nicolson step with a variable α (α = 1 + x·y/2), same grid, dt and backend. */
async function variablePerStep(base) {
  const options = { ...base, method: 'crank-nicolson', diffusivity: (x, y) => 1 + 0.5 * x * y, dt: kTEnd / 50 }
  const { result } = await timed({ ...options, steps: 50 })
  return result.stats.secondsPerStep
}

/** Runs the cell on each backend; returns its rows (also printed as a table). */
export async function runImplicitBench(config, { print = console.log, log = console.error } = {}) {
  const threads = Math.max(...(config.threads ?? [os.availableParallelism()]))
  const rows = []
  for (const backend of config.backends) {
    log(`Time to solution, ${kNodes}² sine mode to t = ${kTEnd} within ${kTarget}: ${backend}, ${threads} threads`)
    const base = { backend, threads }
    const implicit = await implicitRun(base, log)
    const explicit = await explicitRun(base, config.quick || backend === 'js', log)
    // One explicit sweep per pass over memory (no temporal blocking), the like-for-like step.
    const plain = await timed({ ...base, temporalBlocking: 1, steps: kSampleSteps / 4 })
    const variable = await variablePerStep(base)
    rows.push({
      backend,
      threads,
      'explicit steps': explicit.steps,
      'explicit s': `${explicit.seconds.toFixed(2)}${explicit.extrapolated ? ' (extrapolated)' : ''}`,
      'explicit error': explicit.error === null ? 'not run' : explicit.error.toExponential(2),
      'CN steps': implicit.steps,
      'CN s': implicit.seconds.toFixed(3),
      'CN error': implicit.error.toExponential(2),
      'speed-up': `${(explicit.seconds / implicit.seconds).toFixed(0)}×`,
      'CN step / explicit step': (implicit.perStep / explicit.perStep).toFixed(1),
      '… / unblocked explicit step': (implicit.perStep / plain.result.stats.secondsPerStep).toFixed(1),
      'variable-α CN step / CN step': (variable / implicit.perStep).toFixed(2),
    })
  }
  print(`\nTime to solution (wall time of solve(), workers' start included):`)
  console.table(rows)
  return rows
}
