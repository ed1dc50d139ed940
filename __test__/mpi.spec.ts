// The calor-mpi addon under a real MPI launcher: every binding call with exact values on 2 and 3 ranks,
// and an abort on one rank ending every rank. Needs `mpiexec` and the built addon (npm run setup:mpi);
// without them the suite is one skipped test that says so.
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'

import { type Job, mpiAvailable, runUnderMpi } from './mpi-launch.js'

const kFixture = fileURLToPath(new URL('./fixtures/mpi-binding.mjs', import.meta.url))
/** How many checks the fixture makes on each rank when there are at least 2 ranks. */
const kChecksPerRank = 27
/** MPICH's launcher ends the job itself after this many seconds; the child timeout below is the backstop. */
const kJobSeconds = 30

/** Runs the fixture on `ranks` ranks; resolves with how it ended, never hangs. */
function runFixture(ranks: number, mode: 'check' | 'abort'): Promise<Job> {
  // UCX_MEM_EVENTS=no: with UCX, MPICH's memory hooks crash about 1% of Node launches (see docs/mpi.md).
  return runUnderMpi(kFixture, ranks, [mode], kJobSeconds, { UCX_MEM_EVENTS: 'no' })
}

const available = mpiAvailable()

if (available) {
  describe('calor-mpi under mpiexec', () => {
    it.each([2, 3])('every binding call gives the exact expected values on %i ranks', async (ranks) => {
      const job = await runFixture(ranks, 'check')
      // A failed check names itself on stderr and aborts the job: the exit code and the lines catch it.
      expect(job.code, `exit code; stderr:\n${job.stderr}`).toBe(0)
      const lines = job.stdout.trim().split('\n').sort()
      const expected = Array.from({ length: ranks }, (_, r) => `rank ${r}/${ranks}: ${kChecksPerRank} checks passed`)
      expect(lines, `stderr:\n${job.stderr}`).toEqual(expected)
    })

    it.each([2, 3])('abort on the last of %i ranks ends every rank with its message', async (ranks) => {
      const job = await runFixture(ranks, 'abort')
      const last = ranks - 1
      expect(job.signal, 'the job ended by itself, not by the test timeout').toBeNull()
      expect(job.code, 'exit code').toBe(3)
      expect(job.stderr).toContain(
        `calor-mpi: rank ${last} aborts the job (code 3): fixture: rank ${last} failed at step 7`,
      )
      expect(job.stdout).not.toContain('barrier completed')
    })
  })
} else {
  it('calor-mpi under mpiexec', (context) => {
    process.stdout.write('skipped: MPI not installed (npm run setup:mpi installs it)\n')
    context.skip('skipped: MPI not installed')
  })
}
