/**
 * Huge pages for the field buffers (model/pages.ts, the addon's adviseHugePages): the advice is a
 * boolean that never throws and never changes a value, large fields really land on huge pages where
 * the kernel offers them, and a solve gives the same bits with the advice as without, on both backends.
 */
import fs from 'node:fs'
import os from 'node:os'
import { afterEach, describe, expect, it } from 'vitest'

import { solve, Solver } from 'calor'

import { adviseHugePages as addonAdvice, firstWriteSeconds, prefaultInBackground } from '../crate/index.js'
import { adviseHugePages, fillPrefaulted, kHugePageMinBytes } from '../dist/model/pages.js'
import { kBackends, sameBits } from './helpers.js'

const kThpPolicy = '/sys/kernel/mm/transparent_hugepage/enabled'
/** The kernel takes MADV_HUGEPAGE wherever THP is built in (even under the policy 'never'). */
const kernelHasThp = process.platform === 'linux' && fs.existsSync(kThpPolicy)
/** ... and backs advised memory with huge pages under 'always' or 'madvise'. */
const thpInUse = kernelHasThp && !fs.readFileSync(kThpPolicy, 'utf8').includes('[never]')

const kMiB = 1024 * 1024
const shared = (bytes: number) => new Float64Array(new SharedArrayBuffer(bytes))

/** This process's anonymous memory on huge pages, in bytes (Linux), from /proc/self/smaps_rollup. */
function anonHugeBytes(): number {
  const kb = /^AnonHugePages:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1]
  return Number(kb ?? 0) * 1024
}

afterEach(() => {
  delete process.env.CALOR_HUGE_PAGES
  delete process.env.CALOR_PREFAULT
})

/** MADV_POPULATE_WRITE came with Linux 5.14. */
const populateWrite = (() => {
  const [major, minor] = (process.platform === 'linux' ? os.release() : '0.0').split('.').map(Number)
  return major > 5 || (major === 5 && minor >= 14)
})()

describe("the addon's prefaultInBackground (another core faults a fresh buffer's pages in)", () => {
  it('faults in the whole pages of a large buffer while this thread writes it, and changes no value', () => {
    const buffer = shared(64 * kMiB)
    for (let k = 0; k < buffer.length; k += 4096) buffer[k] = k + 0.5
    const prefault = prefaultInBackground(buffer)
    for (let k = 7; k < buffer.length; k += 512) buffer[k] = -k
    const bytes = prefault.finish()
    // Its whole 4 KiB pages (the buffer need not start on one); nothing where the kernel lacks the advice.
    if (populateWrite) expect(bytes).toBeGreaterThanOrEqual(buffer.byteLength - 4096)
    else expect(bytes).toBe(0)
    expect(bytes).toBeLessThanOrEqual(buffer.byteLength)
    expect(prefault.join()).toBe(0)
    // A join stops it early: at most what it had done by then.
    const stopped = prefaultInBackground(shared(64 * kMiB))
    expect(stopped.join()).toBeLessThanOrEqual(64 * kMiB)
    expect(stopped.finish()).toBe(0)
    for (let k = 0; k < buffer.length; k++) {
      const want = k % 4096 === 0 ? k + 0.5 : k % 512 === 7 ? -k : 0
      if (buffer[k] !== want) expect.fail(`element ${k} is ${buffer[k]}, not ${want}`)
    }
  })

  it('refuses what is not a Float64Array, without crashing', () => {
    expect(() => prefaultInBackground(new Int32Array(16) as unknown as Float64Array)).toThrow(/Float64Array/)
  })
})

describe("the library's fillPrefaulted", () => {
  it('returns what the fill returns, above the threshold and below it, with CALOR_PREFAULT=0 too', () => {
    for (const bytes of [kHugePageMinBytes - 8, 2 * kHugePageMinBytes]) {
      for (const off of [false, true]) {
        if (off) process.env.CALOR_PREFAULT = '0'
        const buffer = shared(bytes)
        expect(fillPrefaulted(buffer, () => buffer.fill(2.5).length)).toBe(bytes / 8)
        expect(buffer.every((v) => v === 2.5)).toBe(true)
        delete process.env.CALOR_PREFAULT
      }
    }
  })

  it('joins its thread and rethrows when the fill throws', () => {
    const buffer = shared(2 * kHugePageMinBytes)
    expect(() =>
      fillPrefaulted(buffer, () => {
        buffer[3] = 1
        throw new TypeError('options.initial(x, y) must return a finite number')
      }),
    ).toThrow(/options\.initial/)
    expect(buffer[3]).toBe(1)
  })
})

describe("the addon's adviseHugePages", () => {
  it('does nothing to a buffer that holds no whole 2 MiB page', () => {
    for (const buffer of [
      new Float64Array(0),
      new Float64Array(1000),
      shared(2 * kMiB - 8),
      shared(3 * kMiB).subarray(1, 262_144),
    ]) {
      expect(addonAdvice(buffer), `${buffer.byteLength} bytes`).toBe(false)
    }
  })

  it('advises a large buffer (an unaligned view too) and leaves every value as it was', () => {
    // Small enough that, written before the advice, the kernel's background collapse of it (at most
    // 2 huge pages) cannot be mistaken below for a solver's fields on huge pages.
    const buffer = shared(5 * kMiB)
    buffer.forEach((_, k, b) => (b[k] = k * 0.5 - 7))
    expect(addonAdvice(buffer)).toBe(kernelHasThp)
    expect(addonAdvice(buffer.subarray(3, buffer.length - 5))).toBe(kernelHasThp)
    expect(buffer.every((v, k) => v === k * 0.5 - 7)).toBe(true)
  })

  it('refuses what is not a Float64Array with a TypeError-like message, without crashing', () => {
    expect(() => addonAdvice(new Float32Array(1 << 20) as unknown as Float64Array)).toThrow(/Float64Array/)
  })
})

describe("the library's adviseHugePages", () => {
  it('leaves buffers under kHugePageMinBytes alone, and advises larger ones where the kernel has THP', () => {
    expect(adviseHugePages(shared(kHugePageMinBytes - 8))).toBe(false)
    expect(adviseHugePages(shared(kHugePageMinBytes))).toBe(kernelHasThp)
  })

  it('is turned off by CALOR_HUGE_PAGES=0', () => {
    process.env.CALOR_HUGE_PAGES = '0'
    expect(adviseHugePages(shared(2 * kHugePageMinBytes))).toBe(false)
  })

  it.runIf(thpInUse)('puts a large solver’s fields on huge pages (and only with the advice)', async () => {
    const grid = { nx: 2049, ny: 2049 }
    const fieldBytes = 2051 * 2051 * 8
    const held = async () => {
      const before = anonHugeBytes()
      const solver = await Solver.create({ grid, initial: 1, boundary: { type: 'dirichlet', value: 1 }, threads: 2 })
      const grown = anonHugeBytes() - before
      await solver.close()
      return grown
    }
    // Both fields (2 × 33.7 MB) on huge pages, give or take the partial pages at their ends; the kernel
    // may fall back to small pages when memory is fragmented, so at least half of them.
    expect(await held()).toBeGreaterThan(fieldBytes)
    process.env.CALOR_HUGE_PAGES = '0'
    expect(await held()).toBeLessThan(8 * kMiB)
  })
})

describe.each(kBackends)('a solve on %s with fields above the huge-page threshold', (backend) => {
  // 1025² nodes: each padded field is 8.4 MB, above kHugePageMinBytes; 12 steps, 2 threads (the bands
  // meet inside a huge page), and the exact discrete decay of the mode.
  const nodes = 1025
  const steps = 12
  const options = {
    grid: { nx: nodes, ny: nodes },
    initial: (x: number, y: number) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
    boundary: { type: 'dirichlet' as const, value: 0 },
    steps,
    backend,
    threads: 2,
  }

  it('gives the same bits with the advice and the prefault as without, and the mode decays by its discrete factor', async () => {
    const advised = await solve(options)
    // Without the prefault of the initial field too (the main thread faults its pages in itself).
    process.env.CALOR_PREFAULT = '0'
    expect(sameBits((await solve(options)).field, advised.field)).toBe(true)
    process.env.CALOR_HUGE_PAGES = '0'
    const plain = await solve(options)
    expect(sameBits(advised.field, plain.field)).toBe(true)
    const h = 1 / (nodes - 1)
    const r = advised.dt / h ** 2
    const factor = (1 - 8 * r * Math.sin((Math.PI * h) / 2) ** 2) ** steps
    const centre = ((nodes - 1) / 2) * nodes + (nodes - 1) / 2
    expect(advised.field[centre]).toBeCloseTo(factor, 12)
  })
})

describe("the addon's firstWriteSeconds (the floor under a create, in `npm run bench -- --latency`)", () => {
  it('times the first write of fresh memory on 1 to 3 threads, with the advice and without', () => {
    for (const [threads, huge] of [
      [1, false],
      [2, true],
      [3, false],
    ] as const) {
      const seconds = firstWriteSeconds(16 * kMiB + 8, threads, huge)
      expect(Number.isFinite(seconds) && seconds > 0, `${threads} threads, huge pages ${huge}: ${seconds}`).toBe(true)
    }
  })

  it('refuses a size or thread count it cannot use, naming it', () => {
    expect(() => firstWriteSeconds(0.5)).toThrow('bytes must be a whole number from 1 to 2^40, got 0.5')
    expect(() => firstWriteSeconds(-8)).toThrow('bytes must be a whole number from 1 to 2^40, got -8')
    expect(() => firstWriteSeconds(2 ** 41)).toThrow(/^bytes must be a whole number from 1 to 2\^40/)
    expect(() => firstWriteSeconds(1024, 0)).toThrow('threads must be an integer from 1 to 1024, got 0')
  })
})
