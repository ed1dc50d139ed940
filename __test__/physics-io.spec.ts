/**
 * Checkpoints and the CLI carry the new physics: a checkpoint records the diffusivity field, the sides'
 * data and how the source varies in time, resumes bit-identically, and refuses a different problem;
 * the CLI takes --diffusivity FILE.npy, robin:H:AMBIENT side specs and --source FILE.npy.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { readNpy, type SolveOptions, solve, writeNpy } from 'calor'

import { sameBits } from './helpers.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'calor-physics-io-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const kBase = {
  grid: { nx: 17, ny: 13 },
  threads: 2,
  diffusivity: (x: number, y: number) => 1 + x + y * y,
  initial: (x: number, y: number) => Math.sin(3 * x) * y,
  source: { shape: (x: number) => x, scale: (t: number) => 1 + t },
  boundary: {
    left: { type: 'robin', h: 2, ambient: (_x: number, y: number, t: number) => y + t },
    right: { type: 'dirichlet', value: (_x: number, y: number, t: number) => y * t },
    bottom: { type: 'neumann', flux: 0.25 },
    top: { type: 'robin', h: 0.5 },
  },
  steps: 60,
} satisfies SolveOptions

describe('checkpoints of variable physics', () => {
  it('resume to the bit-identical field', async () => {
    const file = path.join(dir, 'variable.ckpt')
    const whole = await solve(kBase)
    await solve({ ...kBase, steps: 45, checkpoint: { path: file, every: 20 } })
    const resumed = await solve({ ...kBase, resume: file })
    expect(sameBits(resumed.field, whole.field)).toBe(true)
    expect(resumed.t).toBe(whole.t)
  })

  it.each([
    [
      'another diffusivity field',
      { diffusivity: (x: number, y: number) => 1 + x + y },
      /the diffusivity field \(SHA-256\) is/,
    ],
    [
      'another Robin ambient',
      { boundary: { ...kBase.boundary, left: { type: 'robin', h: 2, ambient: 1 } } },
      /boundary\.left is robin 2 \(h 2 ambient function [0-9a-f]{16}\) there and robin 2 \(h 2 ambient 1\)/,
    ],
    [
      'another scale(t)',
      { source: { shape: (x: number) => x, scale: (t: number) => 2 + t } },
      /the source in time is scale function [0-9a-f]{16} there and scale function/,
    ],
  ])('refuse %s', async (_, change, message) => {
    const file = path.join(dir, 'refuse.ckpt')
    await solve({ ...kBase, steps: 20, checkpoint: { path: file, every: 20 } })
    await expect(solve({ ...kBase, ...(change as SolveOptions), resume: file })).rejects.toThrow(message)
  })
})

const kCli = path.join(import.meta.dirname, '..', 'dist', 'cli.js')

function calor(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [kCli, ...args], { env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ status: error ? (error.code as number) : 0, stdout, stderr })
    })
  })
}

describe('CLI of variable physics', () => {
  it('takes --diffusivity FILE.npy, robin:H:AMBIENT and --source FILE.npy, as solve() does', async () => {
    const [nx, ny] = [9, 7]
    const alpha = Float64Array.from({ length: nx * ny }, (_, k) => 1 + (k % nx) / nx)
    const source = Float64Array.from({ length: nx * ny }, (_, k) => Math.cos(k))
    await writeNpy(path.join(dir, 'alpha.npy'), alpha, [ny, nx])
    await writeNpy(path.join(dir, 'source.npy'), source, [ny, nx])
    const initial = Float64Array.from({ length: nx * ny }, (_, k) => Math.sin(k) ** 2)
    await writeNpy(path.join(dir, 'initial.npy'), initial, [ny, nx])
    const out = path.join(dir, 'out.npy')
    const { status, stderr } = await calor('run', '--nx', String(nx), '--ny', String(ny), '--steps', '25',
      '--diffusivity', path.join(dir, 'alpha.npy'), '--source', path.join(dir, 'source.npy'), '--initial', path.join(dir, 'initial.npy'),
      '--boundary', 'robin:1.5:0.25', '--left', 'dirichlet:1', '--out', out, '--quiet') // prettier-ignore
    expect([status, stderr]).toEqual([0, ''])
    const robin = { type: 'robin', h: 1.5, ambient: 0.25 } as const
    const expected = await solve({
      grid: { nx, ny },
      diffusivity: alpha,
      source,
      initial,
      steps: 25,
      boundary: { left: { type: 'dirichlet', value: 1 }, right: robin, bottom: robin, top: robin },
    })
    expect(sameBits((await readNpy(out)).data, expected.field)).toBe(true)
  })

  it.each([
    [
      ['--boundary', 'robin'],
      "--boundary must be dirichlet[:VALUE], neumann[:FLUX], robin:H[:AMBIENT] or periodic, got 'robin'",
    ],
    [['--left', 'robin:-1'], '--left.h must be a finite number >= 0 or a function (x, y, t), got -1'],
    [['--diffusivity', 'hot'], "--diffusivity must be a number, got 'hot'"],
  ])('refuses %j with status 2', async (args, message) => {
    const { status, stderr } = await calor('run', '--nx', '9', '--steps', '1', ...args)
    expect(status).toBe(2)
    expect(stderr).toContain(message)
  })
})
