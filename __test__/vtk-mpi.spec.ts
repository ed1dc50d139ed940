// VTK files of solve({ mpi: true }) under a real launcher: rank 0 writes, from the gathered field, the
// .vti files and .pvd that one process writes, byte for byte, beside frames at other steps. Needs
// `mpiexec` and the calor-mpi addon (npm run setup:mpi); without them this is one skipped test that says so.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { expect, it } from 'vitest'

import { mpiAvailable, runUnderMpi } from './mpi-launch.js'

const kFixture = fileURLToPath(new URL('./fixtures/vtk-mpi.mjs', import.meta.url))

if (mpiAvailable()) {
  it.each([
    [2, 1],
    [3, 2],
  ])('%i ranks × %i threads: rank 0 writes the VTK files and frames one process writes', async (ranks, threads) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'calor-vtk-mpi-'))
    try {
      const job = await runUnderMpi(kFixture, ranks, [dir, String(threads)], 60)
      expect(job.code, `exit code; stderr:\n${job.stderr}`).toBe(0)
      // Per encoding (18 steps to tEnd): .vti at steps 0, 7, 14 and 18, u.pvd, frames at 0, 10, 18, frames.json.
      expect(job.stdout.trim(), `stderr:\n${job.stderr}`).toBe('18 files identical, 8 of them .vti')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
} else {
  it('VTK files under mpiexec', (context) => {
    process.stdout.write('skipped: MPI not installed (npm run setup:mpi installs it)\n')
    context.skip('skipped: MPI not installed')
  })
}
