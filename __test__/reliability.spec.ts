/**
 * Reliability regressions: the process can always exit during a native run; finite input stays
 * finite before the first step; the control-block layout is one definition shared with the addon.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

import { solve, Solver } from 'calor'

import { controlLayout } from '../crate/index.js'
import * as control from '../dist/parallel/control.js'
import { kBackends, sameBits } from './helpers.js'

const fixture = path.join(import.meta.dirname, 'fixtures', 'exit-mid-run.mjs')

/** Runs the fixture; resolves with its exit code and the wall time it took, or null if it had to be killed. */
function runChild(how: string, backend: string): Promise<{ code: number | null; ms: number }> {
  const started = performance.now()
  const child = spawn(process.execPath, [fixture, how, backend], { stdio: 'ignore' })
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, ms: performance.now() - started })
    })
  })
}

describe.each(kBackends)('a process that exits mid-run on %s with 2 threads', (backend) => {
  it.each(['exit', 'throw', 'progress'])('exits promptly (%s)', async (how) => {
    const { code, ms } = await runChild(how, backend)
    expect(code).not.toBeNull() // null: it hung and was killed after 10 s
    expect(code).toBe(how === 'exit' ? 0 : 1)
    // Generous: the run starts in ~0.3 s, and the exit itself must take well under 2 s.
    expect(ms).toBeLessThan(5000)
  })
})

describe('the control block', () => {
  it('has the layout the addon was built with', () => {
    const native = controlLayout()
    expect(native).toEqual({
      generation: control.kGeneration,
      arrived: control.kArrived,
      stopRequest: control.kStopRequest,
      stopDecision: control.kStopDecision,
      abandoned: control.kAbandoned,
      nonFinite: control.kNonFinite,
      sleepers: control.kSleepers,
      parties: control.kParties,
      slots: control.kControlSlots,
      go: control.kGo,
      stopAfterStep: control.kStopAfterStep,
      abortNow: control.kAbortNow,
    })
    expect(new Set(Object.values(native).slice(0, 8)).size).toBe(8) // eight distinct slots
  })
})

describe.each(kBackends)('huge finite values on %s', (backend) => {
  // (A step itself computes w − 2u + e, whose 2u overflows at 1e308: the creation must not take one.)
  it('a uniform 1e308 insulated field is the input at step 0, bit for bit', async () => {
    const options = { grid: { nx: 9, ny: 7 }, initial: 1e308, boundary: { type: 'neumann' }, backend } as const
    const solver = await Solver.create({ ...options, threads: 2 })
    try {
      expect(sameBits(solver.field(), new Float64Array(63).fill(1e308))).toBe(true)
      await solver.advance({ steps: 0 })
      expect(sameBits(solver.field(), new Float64Array(63).fill(1e308))).toBe(true)
    } finally {
      await solver.close()
    }
  })

  it('Dirichlet sides at 1e308 are the input at step 0 bit for bit', async () => {
    const initial = Float64Array.from({ length: 35 }, (_, k) => (k % 3) * 1e307)
    const boundary = { type: 'dirichlet', value: 1e308 } as const
    const result = await solve({ grid: { nx: 7, ny: 5 }, initial, boundary, steps: 0, backend })
    const expected = new Float64Array(initial)
    for (let k = 0; k < 35; k++) if (k % 7 === 0 || k % 7 === 6 || k < 7 || k >= 28) expected[k] = 1e308
    expect(sameBits(result.field, expected)).toBe(true)
  })
})

describe.each(kBackends)('solvers that are never closed (%s)', (backend) => {
  it('lose their workers once garbage-collected, with one warning', async () => {
    const script = path.join(import.meta.dirname, 'fixtures', 'unclosed-solvers.mjs')
    const child = spawn(process.execPath, ['--expose-gc', script, backend], { stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    const code = await new Promise((resolve) => child.on('exit', resolve))
    expect(code).toBe(0)
    expect(JSON.parse(out)).toEqual({ before: 10, after: 0, warnings: 1 })
  })
})
