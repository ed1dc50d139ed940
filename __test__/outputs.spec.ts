/**
 * Output paths are checked before the first step and never hang: directories are made one level at a
 * time (a recursive mkdir loops forever on procfs) and probed with a file.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

import { solve } from 'calor'

const kRoot = path.resolve(import.meta.dirname, '..')
const kProcfs = existsSync('/proc/self/status')

/** Runs a script to completion, killed after 20 s (status null: it hung). */
function node(...args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 20_000, killSignal: 'SIGKILL' }, (error, _stdout, stderr) => {
      const status = error === null ? 0 : error.killed ? null : (error.code as number)
      resolve({ status, stderr })
    })
  })
}

describe.runIf(kProcfs)('an output directory under /proc', () => {
  const frames = (dir: string) => solve({ grid: { nx: 8, ny: 8 }, steps: 2, frames: { dir } })

  it('is refused before any step, naming the option', async () => {
    await expect(frames('/proc/calor-frames/a')).rejects.toThrow(
      /^options\.frames\.dir: cannot create \/proc\/calor-frames\/a: .*ENOENT/,
    )
    await expect(frames('/proc')).rejects.toThrow(/^options\.frames\.dir: cannot write files in \/proc: /)
  })

  it('makes `calor run --frames` exit 1 and `calor bench --out` exit 2, promptly', async () => {
    const run = await node(
      path.join(kRoot, 'dist', 'cli.js'),
      'run',
      '--nx',
      '8',
      '--steps',
      '2',
      '--frames',
      '/proc/x',
    )
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(/^calor: --frames: cannot create \/proc\/x: /)
    const bench = await node(path.join(kRoot, 'bench', 'run.mjs'), '--quick', '--out', '/proc/x')
    expect(bench.status).toBe(2)
    expect(bench.stderr).toMatch(/^--out: cannot write results to \/proc\/x: .*ENOENT/)
  })
})
