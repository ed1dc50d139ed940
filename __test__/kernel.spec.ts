/**
 * The native StencilKernel and the pure-TypeScript kernel are two implementations of one contract:
 * on random fields and random stencils (every ghost kind, with and without a source) they must give
 * the same bits. The addon must take views of SharedArrayBuffers and refuse, with an Error rather
 * than a crash, any length or overlap that would let it touch memory it was not given.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { fillGhostRow, StencilKernel } from '../crate/index.js'
import { jsKernel } from '../dist/backends/js.js'
import { mirrorRule, type PairStencil, sameBits, stencilOf } from './helpers.js'

/** A small deterministic generator (mulberry32), so a failing case replays from its seed. */
function randomValues(seed: number, length: number): Float64Array {
  let a = seed >>> 0
  const out = new Float64Array(length)
  for (let k = 0; k < length; k++) {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    out[k] = (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 4 - 2
  }
  return out
}

const ghost = fc.record({ kind: fc.constantFrom(0, 1, 2), offset: fc.double({ min: -3, max: 3, noNaN: true }) })

/** A valid stencil over nx columns, plus the rows of a band and whether it has a source. */
const kCase = fc.integer({ min: 2, max: 24 }).chain((nx) =>
  fc.record({
    spec: fc
      .record({
        first: fc.integer({ min: 0, max: nx - 1 }),
        span: fc.integer({ min: 0, max: nx - 1 }),
        rx: fc.double({ min: 0, max: 0.25, noNaN: true }),
        ry: fc.double({ min: 0, max: 0.25, noNaN: true }),
        dt: fc.double({ min: 0, max: 2, noNaN: true }),
        left: ghost,
        right: ghost,
      })
      .map((s): PairStencil => ({
        nx,
        first: s.first,
        last: Math.min(nx - 1, s.first + s.span),
        rx: s.rx,
        ry: s.ry,
        dt: s.dt,
        leftKind: s.left.kind,
        leftOffset: s.left.offset,
        rightKind: s.right.kind,
        rightOffset: s.right.offset,
      })),
    rows: fc.integer({ min: 1, max: 6 }),
    withSource: fc.boolean(),
    seed: fc.integer(),
  }),
)

/** Runs one band step on both backends from the same inputs; returns both destinations. */
function stepBoth(spec: PairStencil, rows: number, withSource: boolean, seed: number): [Float64Array, Float64Array] {
  const stride = spec.nx + 2
  const src = randomValues(seed, (rows + 2) * stride)
  const start = randomValues(seed + 1, rows * stride)
  const source = withSource ? randomValues(seed + 2, rows * stride) : new Float64Array(0)
  const [native, js] = [new Float64Array(start), new Float64Array(start)]
  new StencilKernel(stencilOf(spec)).step(src, native, source, rows)
  jsKernel.stencil(stencilOf(spec)).step(src, js, source, rows)
  return [native, js]
}

describe('native and js kernels', () => {
  it('give identical bits on random fields and stencils', () => {
    fc.assert(
      fc.property(kCase, ({ spec, rows, withSource, seed }) => {
        const [native, js] = stepBoth(spec, rows, withSource, seed)
        expect(sameBits(native, js)).toBe(true)
      }),
      { numRuns: 400 },
    )
  })

  it('change the field (the comparison is not vacuous)', () => {
    const spec: PairStencil = {
      nx: 6, first: 0, last: 5, rx: 0.2, ry: 0.1, dt: 0.5,
      leftKind: 1, leftOffset: 0.3, rightKind: 2, rightOffset: 0,
    } // prettier-ignore
    const [native] = stepBoth(spec, 3, true, 7)
    const start = randomValues(8, 3 * 8)
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 8; c++) expect(native[r * 8 + c], `row ${r} column ${c}`).not.toBe(start[r * 8 + c])
      expect(native[r * 8]).toBe(native[r * 8 + 2] - 0.3) // mirrored left ghost
      expect(native[r * 8 + 7]).toBe(native[r * 8 + 1]) // wrapped right ghost
    }
  })

  it('fill ghost rows identically', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 30 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.integer(),
        (n, offset, seed) => {
          const from = randomValues(seed, n)
          const [native, js] = [randomValues(seed + 1, n), randomValues(seed + 1, n)]
          fillGhostRow(native, from, from, mirrorRule(offset))
          jsKernel.fillGhostRow(js, from, from, mirrorRule(offset))
          expect(sameBits(native, js)).toBe(true)
          expect([native[0], native[n - 1]]).toEqual([js[0], js[n - 1]]) // corners untouched
          expect(native[1]).toBe(from[1] - offset)
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('the native kernel on shared memory', () => {
  it('accepts adjacent views of one SharedArrayBuffer and matches the js kernel', () => {
    const spec: PairStencil = {
      nx: 9, first: 1, last: 7, rx: 0.21, ry: 0.17, dt: 0.01,
      leftKind: 0, leftOffset: 0, rightKind: 0, rightOffset: 0,
    } // prettier-ignore
    const [rows, stride] = [4, 11]
    const memory = new Float64Array(new SharedArrayBuffer((rows + 2 + rows + rows) * stride * 8))
    memory.set(randomValues(3, memory.length))
    const src = memory.subarray(0, (rows + 2) * stride)
    const dst = memory.subarray((rows + 2) * stride, (2 * rows + 2) * stride)
    const source = memory.subarray((2 * rows + 2) * stride)
    const expected = new Float64Array(dst)
    jsKernel.stencil(stencilOf(spec)).step(new Float64Array(src), expected, new Float64Array(source), rows)
    new StencilKernel(stencilOf(spec)).step(src, dst, source, rows)
    expect(sameBits(dst, expected)).toBe(true)
    const ghosts = new Float64Array(new SharedArrayBuffer(2 * stride * 8))
    ghosts.set(randomValues(4, 2 * stride))
    fillGhostRow(ghosts.subarray(0, stride), ghosts.subarray(stride), ghosts.subarray(stride), mirrorRule(0.5))
    expect(ghosts[3]).toBe(ghosts[stride + 3] - 0.5)
  })
})

describe('the native kernel refuses', () => {
  const spec: PairStencil = {
    nx: 3, first: 0, last: 2, rx: 0.1, ry: 0.1, dt: 0,
    leftKind: 0, leftOffset: 0, rightKind: 0, rightOffset: 0,
  } // prettier-ignore
  const kernel = new StencilKernel(stencilOf(spec))
  const zeros = (n: number) => new Float64Array(n)
  const shared = randomValues(5, 40)

  it.each([
    ['a short src', () => kernel.step(zeros(14), zeros(10), zeros(0), 2), 'src has length 14, expected 20'],
    ['a long dst', () => kernel.step(zeros(20), zeros(11), zeros(0), 2), 'dst has length 11, expected 10'],
    [
      'a source of the wrong length',
      () => kernel.step(zeros(20), zeros(10), zeros(3), 2),
      'source has length 3, expected 10',
    ],
    [
      'a negative row count',
      () => kernel.step(zeros(20), zeros(10), zeros(0), -1),
      'src has length 20, expected 21474836485',
    ],
    [
      'dst overlapping src',
      () => kernel.step(shared.subarray(0, 20), shared.subarray(15, 25), zeros(0), 2),
      'dst overlaps src: views must not share memory',
    ],
    [
      'dst overlapping source',
      () => kernel.step(zeros(20), shared.subarray(0, 10), shared.subarray(9, 19), 2),
      'dst overlaps source: views must not share memory',
    ],
    [
      'ghost rows of different lengths',
      () => fillGhostRow(zeros(4), zeros(5), zeros(5), mirrorRule(0)),
      'ghost row has length 4, expected 5',
    ],
    [
      'a ghost row without nodes',
      () => fillGhostRow(zeros(2), zeros(2), zeros(2), mirrorRule(0)),
      'ghost row has length 2, expected 3',
    ],
    [
      'a ghost row overlapping its source',
      () => fillGhostRow(shared.subarray(0, 5), shared.subarray(4, 9), shared.subarray(4, 9), mirrorRule(0)),
      'target overlaps inside: views must not share memory',
    ],
    [
      'an unknown ghost kind',
      () => new StencilKernel(stencilOf({ ...spec, leftKind: 3 })),
      'Failed to convert napi value into enum `NapiGhostKind`. StringExpected, Failed to convert JavaScript value `Number 3 ` into rust type `String` on NapiGhostRule.kind on NapiStencil.left',
    ],
    [
      'a mirror with a NaN offset',
      () => new StencilKernel(stencilOf({ ...spec, rightKind: 1, rightOffset: NaN })),
      'right must be a mirror with finite a, b and c, got a 1, b 0, c NaN',
    ],
    [
      'columns out of order',
      () => new StencilKernel(stencilOf({ ...spec, first: 2, last: 1 })),
      'columns must be first <= last < nx, got first 2 last 1',
    ],
    [
      'columns past the row',
      () => new StencilKernel(stencilOf({ ...spec, last: 3 })),
      'columns must be first <= last < nx, got first 0 last 3',
    ],
    [
      'too few columns',
      () => new StencilKernel(stencilOf({ ...spec, nx: 1, last: 0 })),
      'nx must be at least 2, got 1',
    ],
    [
      'a NaN coefficient',
      () => new StencilKernel(stencilOf({ ...spec, rx: NaN })),
      'rx must be a finite number, got NaN',
    ],
    [
      'an infinite dt',
      () => new StencilKernel(stencilOf({ ...spec, dt: Infinity })),
      'dt must be a finite number, got inf',
    ],
  ])('%s', (_, call, message) => {
    const before = shared.slice()
    let thrown: unknown
    try {
      call()
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(Error)
    expect((thrown as Error).message).toBe(message)
    expect(sameBits(shared, before)).toBe(true) // nothing was written
  })

  it.each([
    ['a plain array', () => kernel.step(Array(20).fill(0) as never, zeros(10), zeros(0), 2)],
    ['a Float32Array', () => kernel.step(new Float32Array(20) as never, zeros(10), zeros(0), 2)],
    ['a stencil with a missing field', () => new StencilKernel({ nx: 3 } as never)],
  ])('%s with an Error', (_, call) => {
    expect(call).toThrow(Error)
  })
})
