/**
 * Checkpoints: saved atomically every N steps, resumed bit-identically, and refused with a clear
 * CheckpointError when damaged, truncated, missing or written for another run. The end-to-end test
 * kills a child process with SIGKILL mid-run, then resumes from whatever checkpoint it left.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { CheckpointError, type SolveOptions, solve } from 'calor'

import { decodeCheckpoint } from '../dist/storage/checkpoint-file.js'
import { runOptions } from './fixtures/checkpointed-run.mjs'
import { sameBits } from './helpers.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'calor-checkpoint-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const kBase = {
  grid: { nx: 33, ny: 29, lx: 1.3 },
  threads: 2,
  initial: (x: number, y: number) => Math.sin(3 * x) * y,
  source: (x: number, y: number) => x * y,
  boundary: {
    left: { type: 'neumann', flux: 0.3 },
    right: { type: 'dirichlet', value: 1 },
    bottom: { type: 'periodic' },
    top: { type: 'periodic' },
  },
} satisfies SolveOptions

async function header(file: string) {
  return decodeCheckpoint(file, await readFile(file)).header
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('it resolved'),
    (e: unknown) => e as Error,
  )
}

describe.each([
  { duration: { steps: 95 }, saved: 80, backend: 'native' },
  { duration: { steps: 95 }, saved: 80, backend: 'js' },
  { duration: { tEnd: 0.137 }, saved: 440, backend: 'native' },
] as const)('resume of $duration on $backend', ({ duration, saved, backend }) => {
  it('saves every 20 steps and resumes to the bit-identical field, time and step count', async () => {
    const file = path.join(dir, `resume-${backend}-${Object.keys(duration)[0]}.ckpt`)
    const options = { ...kBase, ...duration, backend }
    const whole = await solve(options)
    const saving = await solve({ ...options, checkpoint: { path: file, every: 20 } })
    expect(sameBits(saving.field, whole.field)).toBe(true)
    const h = await header(file)
    expect([h.step, h.steps, h.dt]).toEqual([saved, whole.steps, whole.dt])
    const resumed = await solve({ ...options, resume: file })
    expect(sameBits(resumed.field, whole.field)).toBe(true)
    expect([resumed.t, resumed.steps, resumed.dt]).toEqual([whole.t, whole.steps, whole.dt])
    // Nothing but the checkpoint is left in the directory: every temporary file was renamed.
    expect((await readdir(dir)).filter((name) => name.includes('.tmp'))).toEqual([])
  })
})

it('a checkpoint of a steps run also continues a longer run with the same dt', async () => {
  const file = path.join(dir, 'extend.ckpt')
  await solve({ ...kBase, steps: 40, checkpoint: { path: file, every: 40 } })
  expect((await header(file)).step).toBe(40)
  const resumed = await solve({ ...kBase, steps: 75, resume: file })
  expect(sameBits(resumed.field, (await solve({ ...kBase, steps: 75 })).field)).toBe(true)
  expect(resumed.steps).toBe(75)
})

describe('a checkpoint that cannot be used is refused', () => {
  let good: Buffer
  const file = () => path.join(dir, 'refuse.ckpt')
  beforeAll(async () => {
    await solve({ ...kBase, steps: 30, checkpoint: { path: file(), every: 10 } })
    good = await readFile(file())
  })

  const damaged = (name: string, bytes: Buffer) => async () => {
    const target = path.join(dir, name)
    await writeFile(target, bytes)
    return rejection(solve({ ...kBase, steps: 30, resume: target }))
  }
  const flipped = (offset: number) => {
    const copy = Buffer.from(good)
    copy[offset] ^= 0x01
    return copy
  }

  it.each([
    ['a flipped bit in the field', () => flipped(good.length - 100), 'its SHA-256 does not match'],
    ['a flipped bit in the digest', () => flipped(good.length - 1), 'its SHA-256 does not match'],
    ['a flipped bit in a header number', () => flipped(good.indexOf('"step":30') + 8), 'its SHA-256 does not match'],
    ['a flipped bit in the header syntax', () => flipped(16), 'its header is not JSON'],
    ['a truncated file', () => good.subarray(0, good.length - 1000), 'it is truncated \\(\\d+ bytes, expected'],
    ['a file cut inside the field', () => good.subarray(0, good.length - 36), 'it is truncated'],
    ['a file cut inside the header', () => good.subarray(0, 60), 'it is truncated inside its header'],
    ['a file with bytes appended', () => Buffer.concat([good, Buffer.alloc(8)]), 'it is too long'],
    ['an empty file', () => Buffer.alloc(0), 'it has only 0 bytes'],
    ['another file format', () => Buffer.from('PK\u0003\u0004'.padEnd(64, 'x')), 'it does not start with "CALORCKP"'],
  ])('%s', async (name, bytes, reason) => {
    const target = `${name.replaceAll(' ', '-')}.ckpt`
    const error = await damaged(target, bytes())()
    expect(error).toBeInstanceOf(CheckpointError)
    expect(error.message).toMatch(new RegExp(`^${path.join(dir, target)} is not a valid calor checkpoint: ${reason}`))
    expect((error as CheckpointError).path).toBe(path.join(dir, target))
  })

  it('a version from the future', async () => {
    const copy = Buffer.from(good)
    copy.writeUInt32LE(2, 8)
    const error = await damaged('future.ckpt', copy)()
    expect(error.message).toBe(
      `${path.join(dir, 'future.ckpt')} is not a valid calor checkpoint: format version 2 is not supported (expected 1)`,
    )
  })

  it('a missing file', async () => {
    const missing = path.join(dir, 'missing.ckpt')
    const error = await rejection(solve({ ...kBase, steps: 30, resume: missing }))
    expect(error).toBeInstanceOf(CheckpointError)
    expect(error.message).toBe(`cannot read checkpoint ${missing}: ENOENT`)
  })

  it.each([
    ['grid.nx', { grid: { ...kBase.grid, nx: 34 } }, 'grid.nx is 33 there and 34'],
    ['grid.lx', { grid: { ...kBase.grid, lx: 1.25 } }, 'grid.lx is 1.3 there and 1.25'],
    ['diffusivity', { diffusivity: 2 }, 'diffusivity is 1 there and 2'],
    [
      'a boundary',
      { boundary: { ...kBase.boundary, right: { type: 'dirichlet', value: 2 } } },
      'boundary.right is dirichlet 1 there and dirichlet 2',
    ],
    ['the source', { source: 1 }, 'the source \\(SHA-256\\) is [0-9a-f]{64} there and [0-9a-f]{64}'],
    ['no source', { source: undefined }, 'the source \\(SHA-256\\) is [0-9a-f]{64} there and none'],
    ['the initial field', { initial: 0 }, 'the initial field \\(SHA-256\\) is [0-9a-f]{64} there and [0-9a-f]{64}'],
    ['dt', { dt: 1e-4 }, 'dt is [0-9.e-]+ there and 0.0001'],
    ['the duration of a tEnd run', { steps: undefined, tEnd: 0.01 }, 'dt is [0-9.e-]+ there and [0-9.e-]+'],
  ] as const)('written for another %s', async (_, change, difference) => {
    const error = await rejection(solve({ ...kBase, steps: 30, ...change, resume: file() } as SolveOptions))
    expect(error).toBeInstanceOf(CheckpointError)
    expect(error.message).toMatch(
      new RegExp(`^options.resume: checkpoint ${file()} belongs to another run: ${difference} in these options$`),
    )
  })

  it('a checkpoint past the end of the run', async () => {
    const error = await rejection(solve({ ...kBase, steps: 20, resume: file() }))
    expect(error.message).toBe(`options.resume: checkpoint ${file()} is at step 30, past the 20 steps of this run`)
  })
})

describe('checkpoint options', () => {
  it.each([
    [{ checkpoint: 'file' }, `options.checkpoint must be an object { path, every }, got "file"`],
    [{ checkpoint: { path: '', every: 1 } }, 'options.checkpoint.path must be a non-empty string, got ""'],
    [{ checkpoint: { path: 'x', every: 0 } }, 'options.checkpoint.every must be an integer >= 1, got 0'],
    [{ checkpoint: { path: 'x', every: 2.5 } }, 'options.checkpoint.every must be an integer >= 1, got 2.5'],
    [
      { checkpoint: { path: 'x', every: 1, keep: 3 } },
      'Unknown option options.checkpoint.keep; expected one of path, every',
    ],
    [{ resume: 42 }, 'options.resume must be the path of a checkpoint file, got 42'],
  ])('%o is refused', async (change, message) => {
    const error = await rejection(solve({ ...kBase, steps: 5, ...change } as unknown as SolveOptions))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toBe(message)
  })

  it('a directory that cannot be written fails before the first step', async () => {
    const nowhere = path.join(dir, 'no', 'such', 'dir', 'x.ckpt')
    const error = await rejection(solve({ ...kBase, steps: 5, checkpoint: { path: nowhere, every: 1 } }))
    expect(error).toBeInstanceOf(CheckpointError)
    expect(error.message).toBe(`options.checkpoint.path: cannot write in ${path.dirname(nowhere)}: ENOENT`)
  })

  it.each([
    ['a directory', () => dir],
    ['a character device', () => '/dev/null'],
  ])('a path that is %s is refused before the first step, and left alone', async (kind, where) => {
    const target = where()
    const before = await stat(target)
    const progress: number[] = []
    const options = {
      ...kBase,
      steps: 5,
      checkpoint: { path: target, every: 1 },
      onProgress: (p: { step: number }) => void progress.push(p.step),
    }
    const error = await rejection(solve(options))
    expect(error).toBeInstanceOf(CheckpointError)
    expect(error.message).toBe(`options.checkpoint.path must be a regular file or a new path, got ${kind} ${target}`)
    expect(progress).toEqual([])
    const after = await stat(target)
    expect([after.ino, after.mode, after.rdev]).toEqual([before.ino, before.mode, before.rdev])
  })

  it('Solver.create() does not take them', async () => {
    const { Solver } = await import('calor')
    await expect(Solver.create({ ...kBase, checkpoint: { path: 'x', every: 1 } })).rejects.toThrow(
      'Unknown option options.checkpoint; expected one of',
    )
  })
})

const kFixture = fileURLToPath(new URL('./fixtures/checkpointed-run.mjs', import.meta.url))

/** Starts the fixture run and SIGKILLs it `delay` ms after its first checkpoint appears. */
async function killMidRun(file: string, delay: number): Promise<void> {
  const child = spawn(process.execPath, [kFixture, file, '200'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)))
  const started = Date.now()
  while (!(await stat(file).catch(() => null))) {
    if (Date.now() - started > 30_000) throw new Error('the child wrote no checkpoint within 30 s')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  await new Promise((resolve) => setTimeout(resolve, delay))
  child.kill('SIGKILL')
  expect(await exited).toBe('SIGKILL')
  expect(output).toBe('') // it was killed before it finished
}

describe('a run killed with SIGKILL', () => {
  it('always leaves a whole checkpoint, and resuming it gives the uninterrupted answer', async () => {
    const whole = await solve(runOptions())
    for (const [k, delay] of [0, 37, 150].entries()) {
      const file = path.join(dir, `killed-${k}.ckpt`)
      await killMidRun(file, delay)
      const h = await header(file) // throws if the file is not a whole, valid checkpoint
      expect(h.step % 200).toBe(0)
      expect(h.step).toBeGreaterThan(0)
      expect(h.step).toBeLessThan(whole.steps)
      const resumed = await solve({ ...runOptions(), resume: file })
      expect(sameBits(resumed.field, whole.field)).toBe(true)
      expect([resumed.t, resumed.steps]).toEqual([whole.t, whole.steps])
    }
  })
})
