/** Running a fixture under mpiexec for the MPI specs: whether MPI is here, and a launch that never hangs. */
import { execFile, spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const kAddonDir = fileURLToPath(new URL('../crate/mpi/', import.meta.url))

/** True when mpiexec runs and the calor-mpi addon is built. */
export function mpiAvailable(): boolean {
  const launcher = spawnSync('mpiexec', ['--version'], { stdio: 'ignore', timeout: 10_000 })
  const addon = readdirSync(kAddonDir).some((name) => /^calor-mpi\..+\.node$/.test(name))
  return launcher.status === 0 && addon
}

export interface Job {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/**
 * Runs `node script ...args` on `ranks` ranks; resolves with how it ended, never hangs: MPICH's launcher
 * ends the job itself after `seconds` (MPIEXEC_TIMEOUT), and a child timeout 15 s later is the backstop.
 */
export function runUnderMpi(script: string, ranks: number, args: string[], seconds: number, env = {}): Promise<Job> {
  const options = {
    env: { ...process.env, ...env, MPIEXEC_TIMEOUT: String(seconds) },
    timeout: (seconds + 15) * 1000,
    killSignal: 'SIGKILL' as const,
  }
  return new Promise((resolve) => {
    const child = execFile(
      'mpiexec',
      ['-n', String(ranks), process.execPath, script, ...args],
      options,
      (error, stdout, stderr) => {
        resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr: stderr || String(error ?? '') })
      },
    )
  })
}
