/**
 * Output paths are checked before the first step and never hang: directories are made one level at a
 * time (a recursive mkdir loops forever on procfs) and probed with a file.
 */
import { execFile } from 'node:child_process'
import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pngjs from 'pngjs'
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
      /^options\.frames\.dir: cannot create \/proc\/calor-frames\/a: (ENOENT|EACCES)/,
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
    expect(bench.stderr).toMatch(/^--out: cannot write results to \/proc\/x: .*(ENOENT|EACCES)/)
  })
})

describe('frames', () => {
  const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'calor-outputs-'))

  it('replaces frames.json by a rename, never by writing into the old file', async () => {
    // A hard link to the old manifest sees any in-place write; a rename leaves it as it was.
    const dir = tempDir()
    writeFileSync(path.join(dir, 'witness'), 'old manifest')
    linkSync(path.join(dir, 'witness'), path.join(dir, 'frames.json'))
    await solve({ grid: { nx: 6, ny: 5 }, steps: 4, frames: { dir, every: 2 } })
    expect(readFileSync(path.join(dir, 'witness'), 'utf8')).toBe('old manifest')
    expect(JSON.parse(readFileSync(path.join(dir, 'frames.json'), 'utf8')).frames).toHaveLength(3)
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('spreads a range wider than the largest double over the colour map', async () => {
    const dir = tempDir()
    const [nx, ny] = [9, 3]
    const f = (k: number) => (k % nx) / (nx - 1)
    const initial = Float64Array.from({ length: nx * ny }, (_, k) => -4e307 + f(k) * 8e307)
    const frames = { dir, every: 1, colormap: 'gray', range: [-1.7e308, 1.7e308] } as const
    await solve({ grid: { nx, ny }, steps: 1, boundary: { type: 'neumann' }, initial, frames })
    const png = pngjs.PNG.sync.read(readFileSync(path.join(dir, 'frame-00000.png')))
    const greys = Array.from({ length: nx }, (_, i) => png.data[i * 4])
    // Gray: value v takes entry (v − lo) · 255 / (hi − lo), rounded, computed in halves (no overflow).
    const entry = (v: number) => Math.trunc((v / 2 + 0.85e308) * (255 / 1.7e308) + 0.5)
    expect(greys).toEqual(Array.from(initial.subarray(0, nx), entry))
    expect(new Set(greys).size).toBe(nx)
    expect([greys[0], greys[nx - 1]]).toEqual([98, 158])
  })
})
