/**
 * Property-based tests of the `calor run` flags: whatever value a flag gets, the CLI either runs
 * (exit 0) or refuses it with exit status 2 and a message naming a flag. It never crashes, never
 * fails at run time (exit 1), never prints a stack trace, and never hangs.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'

const kCli = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const cwd = mkdtempSync(path.join(os.tmpdir(), 'calor-cli-fuzz-'))
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

/** Flags with a value, except --steps (a valid huge count would run for hours) and files it would write. */
const kFlags = [
  'nx', 'ny', 'lx', 'ly', 'diffusivity', 't-end', 'dt', 'threads', 'backend', 'boundary', 'left', 'right',
  'bottom', 'top', 'initial', 'seed', 'source', 'every', 'colormap', 'range', 'scale', 'fps',
] as const // prettier-ignore

const hostileValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('nan', 'NaN', 'Infinity', '-Infinity', '-1', '0', '-0', '1e309', '1e-320', '0x10', '1,2', '', ' '),
  fc.constantFrom('3.5', '2147483648', '99999999', 'dirichlet:nan', 'neumann:1e400', 'periodic', 'random', 'inferno'),
  fc.double().map(String),
  fc.integer().map(String),
)

function run(args: string[]) {
  return spawnSync(process.execPath, [kCli, 'run', '--nx=9', '--steps=2', '--quiet', ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: '1' },
  })
}

describe('calor run with hostile flag values', () => {
  it('exits 0 or 2, naming a flag when it refuses, and never crashes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...kFlags), hostileValue, (flag, value) => {
        const result = run([`--${flag}=${value}`])
        const context = `--${flag}=${JSON.stringify(value)}: status ${result.status}, stderr ${result.stderr}`
        expect(result.signal, context).toBeNull()
        expect([0, 2], context).toContain(result.status)
        expect(result.stderr, context).not.toMatch(/\n\s+at /)
        if (result.status === 2) expect(result.stderr, context).toMatch(/^calor: .*--[a-z]/)
      }),
      { numRuns: 40 },
    )
  })

  it.each([['--steps=-1'], ['--steps=1.5'], ['--steps=abc'], ['--steps=1e400']])('refuses %s with status 2', (arg) => {
    const result = run([arg])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/^calor: --steps /)
  })
})
