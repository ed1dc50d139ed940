/**
 * The addon is linked against an old glibc baseline (2.17, scripts/build-native.mjs), so that it loads on
 * RHEL/Rocky 7 and 8 and Ubuntu 18.04/20.04, not only on the build machine: no symbol it imports may need
 * a newer glibc. Checked with `objdump -T`, which lists the version of every dynamic symbol.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'

import { describe, expect, it } from 'vitest'

const exec = promisify(execFile)
const kAddon = path.resolve(import.meta.dirname, '..', 'crate', 'calor.linux-x64-gnu.node')
const kBaseline = '2.17'

/** The GLIBC_x.y versions in `objdump -T` output, newest first. */
function glibcVersions(objdump: string): string[] {
  const versions = new Set(objdump.match(/GLIBC_\d+(\.\d+)+/g)?.map((v) => v.slice('GLIBC_'.length)))
  return [...versions].sort(compareVersions).reverse()
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)]
  for (let k = 0; k < Math.max(x.length, y.length); k++) {
    if ((x[k] ?? 0) !== (y[k] ?? 0)) return (x[k] ?? 0) - (y[k] ?? 0)
  }
  return 0
}

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('glibc baseline of the addon', () => {
  it(`imports no glibc symbol newer than ${kBaseline}`, async () => {
    const { stdout } = await exec('objdump', ['-T', kAddon], { encoding: 'utf8', maxBuffer: 16 << 20 })
    const versions = glibcVersions(stdout)
    expect(versions.length, 'objdump found no GLIBC_ symbols at all').toBeGreaterThan(0)
    const newer = stdout.split('\n').filter((line) => {
      const v = line.match(/GLIBC_(\d+(?:\.\d+)+)/)?.[1]
      return v !== undefined && compareVersions(v, kBaseline) > 0
    })
    expect(newer, `symbols newer than GLIBC_${kBaseline}`).toEqual([])
  })

  it('reads the newest version from objdump output, so a GLIBC_2.34 import would be caught', () => {
    const sample = [
      '0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.2.5) memcpy',
      '0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.34) pthread_key_create',
      '0000000000000000      DF *UND*  0000000000000000 (GLIBC_2.17) clock_gettime',
    ].join('\n')
    expect(glibcVersions(sample)).toEqual(['2.34', '2.17', '2.2.5'])
    expect(compareVersions('2.34', kBaseline)).toBeGreaterThan(0)
    expect(compareVersions('2.2.5', kBaseline)).toBeLessThan(0)
  })
})
