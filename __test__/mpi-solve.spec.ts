// solve({ mpi: true }) under a real launcher: 1, 2 and 3 ranks × 1 and 2 threads give the bits of one
// process on both backends (Dirichlet, a periodic y axis across ranks, Neumann and Robin edges on rank
// boundaries, a variable α, array fields and a source; side data and sources of t, and their resume; in 3D, slabs of planes with every side kind, a
// periodic z ring and a variable α); a rank that throws or dies ends every rank; a bad
// value on one rank's rows is refused on every rank. Needs `mpiexec` and the built calor-mpi addon (npm run
// setup:mpi); without them the suite is one skipped test that says so. Outside mpiexec, mpi: true is
// refused (always tested).
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'

import { solve } from '../dist/index.js'

import { type Job, mpiAvailable, runUnderMpi } from './mpi-launch.js'

const kFixture = fileURLToPath(new URL('./fixtures/mpi-solve.mjs', import.meta.url))
/** MPICH's launcher ends the job itself after this many seconds; the child timeout below is the backstop. */
const kJobSeconds = 60
const kCases = ['dirichlet', 'periodic y', 'neumann edges', 'robin edges', 'variable α', 'arrays and source']
/** 3D cases (9 × 8 × 13, slabs of planes): every side kind across z with a source, a periodic z ring, a variable α. */
const kCases3d = ['3d sides', '3d periodic z', '3d variable α']
/** The cases that gather the whole field on every rank. */
const kGatherAll = new Set(['dirichlet', '3d periodic z'])

/** Runs the fixture on `ranks` ranks; resolves with how it ended, never hangs. */
function runFixture(ranks: number, mode: string, threads = 1, ...rest: string[]): Promise<Job> {
  return runUnderMpi(kFixture, ranks, [mode, String(threads), ...rest], kJobSeconds)
}

it('mpi: true outside an MPI launcher is refused with a clear error', async () => {
  const saved = ['PMI_RANK', 'PMI_SIZE', 'PMIX_RANK', 'OMPI_COMM_WORLD_SIZE', 'MPI_LOCALNRANKS'].filter(
    (name) => process.env[name] !== undefined,
  )
  expect(saved, 'the test itself runs outside mpiexec').toEqual([])
  await expect(solve({ grid: { nx: 5, ny: 5 }, steps: 1, mpi: true })).rejects.toThrow(
    'options.mpi: true needs the script to run under an MPI launcher, e.g. `mpiexec -n 2 node script.mjs`',
  )
  await expect(solve({ grid: { nx: 5, ny: 5 }, steps: 1, mpi: 'yes' as never })).rejects.toThrow(
    'options.mpi must be true or false, got "yes"',
  )
  const off = await solve({ grid: { nx: 5, ny: 5 }, initial: 1, steps: 3, mpi: false } as never)
  const plain = await solve({ grid: { nx: 5, ny: 5 }, initial: 1, steps: 3 })
  expect(off.field).toEqual(plain.field)
})

if (mpiAvailable()) {
  describe('solve({ mpi: true }) under mpiexec', () => {
    const matrix = [1, 2, 3].flatMap((ranks) => [1, 2].map((threads) => [ranks, threads] as const))
    it.each(matrix)('%i ranks × %i threads give the same bits as one process', async (ranks, threads) => {
      const job = await runFixture(ranks, 'compare', threads)
      expect(job.code, `exit code; stderr:\n${job.stderr}`).toBe(0)
      const expected = [...kCases, ...kCases3d].flatMap((name) =>
        ['native', 'js'].map((backend) => {
          const gather = kGatherAll.has(name) ? 'all' : 'root'
          return `${name} ${backend} gather ${gather} on ${ranks} ranks: identical`
        }),
      )
      expect(job.stdout.trim().split('\n'), `stderr:\n${job.stderr}`).toEqual(expected)
    })

    // Side data and sources of t: a few rank × thread counts (each case runs on both backends).
    const timedMatrix = [
      [1, 2],
      [2, 1],
      [3, 2],
    ] as const
    it.each(timedMatrix)(
      'side data and sources of t: %i ranks × %i threads give the same bits as one process',
      async (ranks, threads) => {
        const job = await runFixture(ranks, 'timed', threads)
        expect(job.code, `exit code; stderr:\n${job.stderr}`).toBe(0)
        const expected = ['timed 2d', 'timed periodic y', 'timed 3d'].flatMap((name) =>
          ['native', 'js'].map((backend) => `${name} ${backend} gather root on ${ranks} ranks: identical`),
        )
        expect(job.stdout.trim().split('\n'), `stderr:\n${job.stderr}`).toEqual(expected)
      },
    )

    it('side data and sources of t resume on the ranks from a checkpoint the ranks wrote, as one process does', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'calor-mpi-timed-'))
      try {
        const job = await runFixture(3, 'timed-resume', 2, dir)
        expect(job.code, `exit code; stderr:\n${job.stderr}`).toBe(0)
        expect(job.stdout.trim().split('\n')).toEqual([
          'timed 2d resumed on 3 ranks: identical to one process, same t and steps',
          'timed periodic y resumed on 3 ranks: identical to one process, same t and steps',
          'timed 3d resumed on 3 ranks: identical to one process, same t and steps',
        ])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })

    it('options refused by every rank alike, or a second solve at once, leave no rank waiting', async () => {
      const job = await runFixture(3, 'options')
      expect(job.code, `exit code; stderr:\n${job.stderr}`).toBe(0)
      const messages = [
        `ERR_CALOR_OPTIONS: options.gather must be 'root' or 'all', got "everyone"`,
        'ERR_CALOR_OPTIONS: options.trackers is not supported with mpi: true: trackers see one process’s field',
        'ERR_CALOR_OPTIONS: options.grid.ny (5) is too small for 3 MPI ranks: each rank needs at least 2 rows, so ny must be at least 6',
      ]
      for (const rank of [0, 1, 2]) {
        const lines = job.stdout.split('\n').filter((line) => line.startsWith(`rank ${rank}: `))
        expect(lines.slice(0, 3)).toEqual(messages.map((m) => `rank ${rank}: ${m}`))
        expect(lines[3]).toMatch(
          new RegExp(`^rank ${rank}: ERR_CALOR_OPTIONS: options\\.dt \\(1\\) exceeds the stable limit`),
        )
        expect(lines[4]).toBe(
          `rank ${rank}: ERR_CALOR_OPTIONS: options.method must be 'explicit' with mpi: true (Crank–Nicolson's y-lines span every rank's rows), got "crank-nicolson"`,
        )
        expect(lines[5]).toBe(
          `rank ${rank}: ERR_CALOR_OPTIONS: options.until is not supported with mpi: true: a steady run needs the residual of the whole field`,
        )
        // A source of t and side data of (x, y, t) run (they were refused before).
        expect(lines.slice(6, 8)).toEqual([`rank ${rank}: ran`, `rank ${rank}: ran`])
        const concurrent = 'another MPI solve is still running on this rank; await it first'
        // Each rank checks its own slab's memory (rows: 100 000 owned, halo rows beside them).
        expect(lines[8]).toMatch(
          new RegExp(
            `^rank ${rank}: ERR_CALOR_OPTIONS: options\\.grid \\(nx 300000 × ny 1000\\d\\d\\) needs [\\d.]+ [GT]B .*; .* is available \\(MPI rank ${rank}'s slab: 1000\\d\\d of the grid's 300000 rows, halo included\\)$`,
          ),
        )
        expect(lines[9]).toBe(`rank ${rank}: concurrent: fulfilled, rejected: solve({ mpi: true }): ${concurrent}`)
      }
    })

    it('3D options are refused by every rank alike: too few planes, memory per slab, a NaN on one rank, probes (a source in time runs)', async () => {
      const job = await runFixture(3, 'options-3d')
      expect(job.code, `exit code; stderr:\n${job.stderr}`).toBe(0)
      for (const rank of [0, 1, 2]) {
        const lines = job.stdout.split('\n').filter((line) => line.startsWith(`rank ${rank}: `))
        expect(lines).toHaveLength(5)
        expect(lines[4]).toBe(
          `rank ${rank}: ERR_CALOR_OPTIONS: options.probes is not supported with mpi: true: probes would read one rank’s slab, and result.probes is not gathered`,
        )
        expect(lines.slice(0, 2)).toEqual(
          [
            'ERR_CALOR_OPTIONS: options.grid.nz (5) is too small for 3 MPI ranks: each rank needs at least 2 planes, so nz must be at least 6',
            'ran',
          ].map((m) => `rank ${rank}: ${m}`),
        )
        // Each rank checks its own slab of planes (100 000 owned, halo planes beside them).
        expect(lines[2]).toMatch(
          new RegExp(
            `^rank ${rank}: ERR_CALOR_OPTIONS: options\\.grid \\(nx 3000 × ny 3000 × nz 1000\\d\\d\\) needs [\\d.]+ [GT]B .*; .* is available \\(MPI rank ${rank}'s slab: 1000\\d\\d of the grid's 300000 planes, halo included\\)$`,
          ),
        )
      }
      const nan = job.stdout.split('\n').filter((line) => line.includes('NaN') || line.includes('no rank ran'))
      expect(nan.sort()).toEqual([
        'rank 0: ERR_CALOR_OPTIONS: options were refused on MPI rank 2 (its error says why); no rank ran',
        'rank 1: ERR_CALOR_OPTIONS: options were refused on MPI rank 2 (its error says why); no rank ran',
        'rank 2: ERR_CALOR_OPTIONS: options.initial(x, y, z) must return a finite number, got NaN at node (0, 0, 10), x = 0, y = 0, z = 0.9090909090909092',
      ])
    })

    it('3D: rank 0 writes the slice frames, VTK files and checkpoint one process writes; it resumes on the ranks', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'calor-mpi-3d-'))
      try {
        const job = await runFixture(3, 'outputs-3d', 2, dir)
        expect(job.code, `exit code; stderr:\n${job.stderr}`).toBe(0)
        // Frames at steps 0, 10, 20 and frames.json; .vti at 0, 7, 14, 20 and u.pvd; the middle z slice.
        expect(job.stdout.trim().split('\n')).toEqual([
          '3d outputs: the checkpoint and 9 files identical, 4 of them .vti, slice {"axis":"z","index":6,"across":"x","up":"y"}',
          '3d resumed on 3 ranks: identical',
        ])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })

    it('rank 0 writes the frames one process writes, byte for byte', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'calor-mpi-frames-'))
      try {
        const job = await runFixture(3, 'frames', 2, dir)
        expect(job.code, `exit code; stderr:\n${job.stderr}`).toBe(0)
        // 6 frames (steps 0, 10, 20, 30, 40 and the last, 41), the manifest and the animation.
        expect(job.stdout.trim()).toBe('frames: 8 files identical')
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })

    it('rank 0 writes the checkpoint one process writes, which resumes on other ranks or in one process', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'calor-mpi-checkpoint-'))
      try {
        const written = await runFixture(2, 'checkpoint-write', 2, dir)
        expect(written.code, `exit code; stderr:\n${written.stderr}`).toBe(0)
        const lines = written.stdout.trim().split('\n').sort()
        const missing = path.join(dir, 'missing')
        expect(lines).toEqual([
          'checkpoint: the bytes of one process',
          `rank 0: options.checkpoint.path: cannot write in ${missing}: ENOENT`,
          'rank 1: rank 0 cannot write the frames or the checkpoint, or resume (its error says why); no rank ran',
        ])
        const resumed = await runFixture(3, 'checkpoint-resume', 1, dir)
        expect(resumed.code, `exit code; stderr:\n${resumed.stderr}`).toBe(0)
        expect(resumed.stdout.trim().split('\n')).toEqual([
          'resumed on 3 ranks: identical, same t and steps',
          'resumed in one process: identical',
        ])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })

    it('a rank that throws ends every rank, naming the rank and the step', async () => {
      const job = await runFixture(3, 'fail')
      expect(job.signal, 'the job ended by itself, not by the test timeout').toBeNull()
      expect(job.code, `exit code; stderr:\n${job.stderr}`).toBe(70)
      expect(job.stderr).toContain('calor: the solve failed on rank 2 at step 8: fixture: rank 2 fails on purpose')
      expect(job.stdout).not.toContain('finished')
    })

    it('a rank that dies ends every rank', async () => {
      const job = await runFixture(3, 'kill')
      expect(job.signal, 'the job ended by itself, not by the test timeout').toBeNull()
      expect(job.code, `stderr:\n${job.stderr}`).not.toBe(0)
      expect(job.stdout).not.toContain('finished')
    })

    it('a bad value on one rank’s rows is refused on every rank before anything runs', async () => {
      const job = await runFixture(3, 'refuse')
      expect(job.code, `exit code; stderr:\n${job.stderr}`).toBe(0)
      const lines = job.stdout.trim().split('\n').sort()
      expect(lines).toHaveLength(3)
      const other = 'refused (ERR_CALOR_OPTIONS): options were refused on MPI rank 2 (its error says why); no rank ran'
      expect(lines[0]).toBe(`rank 0: ${other}`)
      expect(lines[1]).toBe(`rank 1: ${other}`)
      expect(lines[2]).toMatch(
        /^rank 2: refused \(ERR_CALOR_OPTIONS\): options\.initial\(x, y\) must return a finite number, got NaN at node \(\d+, \d+\)/,
      )
    })
  })
} else {
  it('solve({ mpi: true }) under mpiexec', (context) => {
    process.stdout.write('skipped: MPI not installed (npm run setup:mpi installs it)\n')
    context.skip('skipped: MPI not installed')
  })
}
