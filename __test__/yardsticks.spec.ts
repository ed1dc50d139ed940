/**
 * The benchmark's own C yardsticks (bench/reference/*.c) compute what they claim: each is compiled the
 * way the suite compiles it, run for a few steps on a small grid, and its checksum compared with the same
 * sweep done here in TypeScript. Skipped, with the reason in the test name, when gcc is absent.
 */
import { execFile, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { afterAll, describe, expect, it } from 'vitest'

// @ts-expect-error: plain ESM modules without type declarations
import { kReferenceFlags, parseReferenceLine } from '../bench/reference.mjs'
// @ts-expect-error: plain ESM modules without type declarations
import { parseBenchArgs } from '../bench/args.mjs'

const exec = promisify(execFile)
const kSources = path.resolve(import.meta.dirname, '..', 'bench', 'reference')
const hasGcc = spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0
const initial = (i: number, j: number, k = 0) => ((i * 31 + j * 17 + k * 7) % 23) / 23

/** n×n interior, Dirichlet-0 rim; `update(u, q)` gives the new value at flat index q (stride n + 2). */
function sweep2d(n: number, steps: number, update: (u: Float64Array, q: number, w: number) => number): number {
  const w = n + 2
  let [u, v] = [new Float64Array(w * w), new Float64Array(w * w)]
  for (let j = 1; j <= n; j++) for (let i = 1; i <= n; i++) u[j * w + i] = initial(i, j)
  for (let s = 0; s < steps; s++) {
    for (let j = 1; j <= n; j++) for (let i = 1; i <= n; i++) v[j * w + i] = update(u, j * w + i, w)
    ;[u, v] = [v, u]
  }
  return u.reduce((a, b) => a + b, 0)
}

function sweep3d(n: number, steps: number): number {
  const [w, p, r] = [n + 2, (n + 2) ** 2, 0.125]
  let [u, v] = [new Float64Array(p * w), new Float64Array(p * w)]
  const each = (f: (q: number) => void) => {
    for (let k = 1; k <= n; k++) for (let j = 1; j <= n; j++) for (let i = 1; i <= n; i++) f(k * p + j * w + i)
  }
  each((q) => (u[q] = initial(q % w, Math.floor(q / w) % w, Math.floor(q / p))))
  for (let s = 0; s < steps; s++) {
    each((q) => {
      const lap = (d: number) => u[q - d] - 2 * u[q] + u[q + d]
      v[q] = u[q] + r * lap(1) + r * lap(w) + r * lap(p)
    })
    ;[u, v] = [v, u]
  }
  return u.reduce((a, b) => a + b, 0)
}

const face = (i: number, j: number, axis: number) => 0.1 * (1 + (0.5 * ((i * 5 + j * 3 + axis * 7) % 11)) / 11)
const kCases = [
  {
    name: 'stencil',
    expected: (n: number, steps: number) =>
      sweep2d(
        n,
        steps,
        (u, q, w) => u[q] + 0.125 * (u[q - 1] - 2 * u[q] + u[q + 1]) + 0.125 * (u[q - w] - 2 * u[q] + u[q + w]),
      ),
  },
  {
    name: 'stencil_var',
    expected: (n: number, steps: number) =>
      sweep2d(n, steps, (u, q, w) => {
        const [i, j] = [q % w, Math.floor(q / w)]
        const [east, west, north, south] = [face(i, j, 0), face(i - 1, j, 0), face(i, j, 1), face(i, j - 1, 1)]
        return (
          u[q] +
          east * (u[q + 1] - u[q]) -
          west * (u[q] - u[q - 1]) +
          north * (u[q + w] - u[q]) -
          south * (u[q] - u[q - w])
        )
      }),
  },
  { name: 'stencil3d', expected: sweep3d },
]

describe.skipIf(!hasGcc)(`the C yardsticks in bench/reference${hasGcc ? '' : ' (skipped: gcc not found)'}`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calor-yardstick-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it.each(kCases)(
    '$name computes the sweep it claims, on 1 and 2 threads',
    async ({ name, expected }) => {
      const binary = path.join(dir, name)
      await exec('gcc', [...kReferenceFlags, '-Wall', '-Werror', path.join(kSources, `${name}.c`), '-o', binary])
      const [n, steps] = [9, 7]
      for (const threads of [1, 2]) {
        const line = parseReferenceLine((await exec(binary, [n, steps, threads].map(String))).stdout)
        expect(line).toMatchObject({ n, steps, threads })
        expect(line.mlups).toBeGreaterThan(0)
        expect(Math.abs(line.checksum / expected(n, steps) - 1)).toBeLessThan(1e-11)
      }
      const refused = await exec(binary, ['0', '5']).catch((error) => error)
      expect(refused.code).toBe(2)
      expect(refused.stderr).toMatch(new RegExp(`^usage: ${name} N STEPS \\[THREADS\\]`))
    },
    60_000,
  )
})

describe('where the benchmark reads and writes', () => {
  it('compiles the packaged yardstick and writes below the current directory, never into the package', () => {
    const config = parseBenchArgs([])
    expect(config.reference).toBe(path.join(kSources, 'stencil.c'))
    expect(fs.existsSync(config.reference)).toBe(true)
    expect(config.out).toBe(path.resolve(process.cwd(), 'calor-bench'))
    expect(parseBenchArgs(['--out', 'x/y', '--reference', 'mine.c'])).toMatchObject({
      out: path.resolve('x/y'),
      reference: path.resolve('mine.c'),
    })
    expect(parseBenchArgs(['--reference', 'none']).reference).toBe('none')
  })
})
