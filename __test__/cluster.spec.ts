// `npm run test:cluster` inside `npm test`: MPI ranks in network namespaces of this machine, over TCP on
// veth pairs, give the exact values and the bits of one process (scripts/test-cluster.sh says how). Two
// ranks here: MPICH+UCX over TCP hangs in MPI_Finalize in about 1 launch in 6 on 3 ranks (the script
// retries such a job twice), never seen on 2; `npm run test:cluster` runs 3. Jobs get 30 s each, as the
// rest of the suite loads the machine. It runs only with CALOR_TEST_CLUSTER=1: even so, the two-rank solve
// job hung in all three of its attempts in 1 run of the script in 16 on this machine under load (MPICH 4.0
// with UCX over TCP), and a suite that fails by chance would block every change.
// It needs MPI and the calor-mpi addon, root, iproute2 and the right to make network namespaces; where
// one is missing the suite is one skipped test that says which.
import { execFile, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { expect, it } from 'vitest'

import { mpiAvailable } from './mpi-launch.js'

const kScript = fileURLToPath(new URL('../scripts/test-cluster.sh', import.meta.url))

/** Why the cluster test cannot run here, or null when it can. */
function missing(): string | null {
  if (process.env.CALOR_TEST_CLUSTER !== '1') {
    return 'set CALOR_TEST_CLUSTER=1 to run it (MPICH+UCX over TCP hangs now and then, see docs/mpi.md)'
  }
  if (!mpiAvailable()) return 'MPI not installed (npm run setup:mpi installs it)'
  if (process.getuid?.() !== 0) return 'network namespaces need root'
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0) return "'ip' (iproute2) is not installed"
  const probe = `calor-probe-${process.pid}`
  const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' })
  if (made.status !== 0) return `this machine cannot make network namespaces: ${made.stderr.trim()}`
  spawnSync('ip', ['netns', 'del', probe])
  return null
}

const why = missing()

if (why === null) {
  it('ranks in two network namespaces over TCP give exact values, abort together, and solve with the bits of one process', async () => {
    const env = { ...process.env, CALOR_CLUSTER_RANKS: '2', CALOR_CLUSTER_JOB_SECONDS: '30' }
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const options = { env, timeout: 240_000, killSignal: 'SIGKILL' as const }
      const child = execFile('bash', [kScript], options, (_error, _out, err) =>
        resolve({ code: child.exitCode, stderr: err }),
      )
    })
    expect(code, stderr).toBe(0)
    expect(stderr).toMatch(/test:cluster: ok: 2 ranks in 2 network namespaces over TCP/)
  }, 250_000)
} else {
  it('MPI ranks across network namespaces (npm run test:cluster)', (context) => {
    process.stdout.write(`skipped: the cluster test: ${why}\n`)
    context.skip(`skipped: ${why}`)
  })
}
