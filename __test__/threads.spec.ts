/**
 * The default thread count (lib/parallel/threads.ts): one thread on grids too small to share, one per
 * core (as far as the grid allows) on large ones, and the same bits as any explicit count.
 */
import os from 'node:os'

import { describe, expect, it } from 'vitest'

import { Solver, solve } from 'calor'

import { defaultThreads, kNodesPerThread } from '../dist/parallel/threads.js'
import { sameBits } from './helpers.js'

describe('defaultThreads', () => {
  it.each([
    [9, 4, 1, 'a tiny grid'],
    [2 * kNodesPerThread - 1, 4, 1, 'just below two workers’ worth'],
    [2 * kNodesPerThread, 4, 2, 'two workers’ worth'],
    [100 * kNodesPerThread, 4, 4, 'a large grid: every core'],
    [100 * kNodesPerThread, 1, 1, 'one core'],
  ])('%i nodes on %i cores → %i (%s)', (nodes, cores, threads) => {
    expect(defaultThreads(nodes, cores)).toBe(threads)
  })
})

describe.each(['native', 'js'] as const)('solve() without threads (%s backend)', (backend) => {
  it('runs a small grid on one thread, with the bits of every explicit count', async () => {
    const options = { grid: { nx: 65, ny: 65 }, initial: (x: number, y: number) => x * (1 - y), steps: 12, backend }
    const result = await solve(options)
    expect(result.stats.threads).toBe(1)
    for (const threads of [1, 2, 3])
      expect(sameBits((await solve({ ...options, threads })).field, result.field)).toBe(true)
  })

  it('gives a large grid one thread per core (as the grid allows)', async () => {
    const nx = Math.ceil(Math.sqrt(8 * kNodesPerThread))
    await using solver = await Solver.create({ grid: { nx, ny: nx }, backend })
    expect(solver.threads).toBe(Math.min(os.availableParallelism(), 8))
  })
})
