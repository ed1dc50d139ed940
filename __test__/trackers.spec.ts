/**
 * The public Tracker seam: a user's tracker sees the state at exactly the steps it asks for, at the start
 * and the end of every advance, with the field of that step, and is closed once with the solver.
 */
import { describe, expect, it } from 'vitest'

import { everySteps, type Snapshot, solve, Solver, type Tracker } from 'calor'

import { kMatrix, sameBits } from './helpers.js'

const kOptions = {
  grid: { nx: 17, ny: 13 },
  initial: (x: number, y: number) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
} as const

describe.each(kMatrix)('a tracker on $backend with $threads threads', ({ backend, threads }) => {
  it('sees every requested step with that step’s field, and the start and the end', async () => {
    const seen: { kind: string; step: number; t: number; field: Float64Array }[] = []
    let closed = 0
    const tracker: Tracker = {
      nextStep: (step) => (Math.floor(step / 7) + 1) * 7,
      observe: (s: Snapshot) => void seen.push({ kind: s.kind, step: s.step, t: s.t, field: s.field() }),
      close: () => void closed++,
    }
    const result = await solve({ ...kOptions, steps: 30, backend, threads, trackers: [tracker] })
    expect(seen.map((s) => `${s.kind}@${s.step}`)).toEqual([
      'start@0',
      'step@7',
      'step@14',
      'step@21',
      'step@28',
      'end@30',
    ])
    expect(closed).toBe(1)
    for (const s of seen) expect(s.t).toBe(s.step * result.dt)
    // The field seen at step 14 is the field a 14-step run ends with.
    const at14 = await solve({ ...kOptions, steps: 14, backend, threads })
    expect(sameBits(seen[2].field, at14.field)).toBe(true)
    expect(sameBits(seen.at(-1)!.field, result.field)).toBe(true)
  })
})

describe('everySteps', () => {
  it('observes every n steps across advances of a Solver', async () => {
    const steps: number[] = []
    const solver = await Solver.create({
      ...kOptions,
      threads: 2,
      trackers: [everySteps(5, (s) => void steps.push(s.step))],
    })
    try {
      await solver.advance({ steps: 12 })
      await solver.advance({ steps: 4 })
    } finally {
      await solver.close()
    }
    expect(steps).toEqual([0, 5, 10, 12, 12, 15, 16])
  })

  it.each([0, 1.5, -2])('refuses every = %s', (every) => {
    expect(() => everySteps(every, () => {})).toThrow(`everySteps: every must be an integer >= 1, got ${every}`)
  })

  it('refuses a tracker without observe, naming its index', async () => {
    const trackers = [everySteps(1, () => {}), { nextStep: () => 1 }] as unknown as Tracker[]
    await expect(solve({ ...kOptions, steps: 1, trackers })).rejects.toThrow(
      'options.trackers[1] must be a tracker with nextStep(step) and observe(snapshot) methods, got an object',
    )
  })
})
