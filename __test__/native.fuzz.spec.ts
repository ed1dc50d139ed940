/**
 * The native boundary under random shapes, offsets and lengths: every call on views of one
 * SharedArrayBuffer either succeeds with exactly the pure-TS kernel's result, or throws an Error and
 * leaves memory untouched. In every case nothing outside the written view changes, and the process
 * does not crash (a crash would fail this whole file).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { fillGhostRow, StencilKernel } from '../crate/index.js'
import { jsKernel } from '../dist/backends/js.js'
import { mirrorRule, type PairStencil, sameBits, stencilOf } from './helpers.js'

const kValues = 4096

/** A view into `buffer` at a value offset and length (both clamped to the buffer). */
interface ViewSpec {
  offset: number
  length: number
}
const view = (buffer: SharedArrayBuffer, v: ViewSpec) => {
  const offset = Math.min(v.offset, kValues)
  return new Float64Array(buffer, offset * 8, Math.max(0, Math.min(v.length, kValues - offset)))
}

/** A buffer of random finite values in [-10, 10] (the seed makes it reproducible per run). */
function randomBuffer(seed: number): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(kValues * 8)
  const values = new Float64Array(buffer)
  let x = seed >>> 0 || 1
  for (let k = 0; k < kValues; k++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    values[k] = ((x >>> 0) / 2 ** 32) * 20 - 10
  }
  return buffer
}

function copyOf(buffer: SharedArrayBuffer): SharedArrayBuffer {
  const copy = new SharedArrayBuffer(buffer.byteLength)
  new Float64Array(copy).set(new Float64Array(buffer))
  return copy
}

/** Nothing outside `written` changed between `before` and `after`. */
function onlyInside(before: SharedArrayBuffer, after: SharedArrayBuffer, written: Float64Array): boolean {
  const start = written.byteOffset / 8
  const [a, b] = [new Float64Array(before), new Float64Array(after)]
  const outside = (x: Float64Array) => [x.subarray(0, start), x.subarray(start + written.length)]
  return outside(a).every((part, k) => sameBits(part, outside(b)[k]))
}

const viewArb = fc.record({ offset: fc.nat(kValues), length: fc.nat(kValues) })
// Mostly plausible integers, sometimes values napi must coerce or refuse.
const sizeArb = fc.oneof(
  { weight: 8, arbitrary: fc.nat(40) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 2 ** 32 - 1, 2 ** 32, 2 ** 53, 1.5, Number.NaN, Infinity) },
)
const coefficientArb = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -2, max: 2, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity) },
)
const wildSpecArb = fc.record({
  nx: sizeArb,
  first: sizeArb,
  last: sizeArb,
  rx: coefficientArb,
  ry: coefficientArb,
  dt: coefficientArb,
  leftKind: fc.oneof(fc.nat(3), sizeArb),
  leftOffset: coefficientArb,
  rightKind: fc.oneof(fc.nat(3), sizeArb),
  rightOffset: coefficientArb,
})
const finiteArb = fc.double({ min: -2, max: 2, noNaN: true })
/** Stencils the kernel accepts: first ≤ last < nx, finite coefficients, ghost kinds 0–2. */
const validSpecArb = fc
  .integer({ min: 2, max: 30 })
  .chain((nx) => fc.tuple(fc.constant(nx), fc.nat(nx - 1), fc.nat(nx - 1)))
  .chain(([nx, a, b]) =>
    fc.record({
      nx: fc.constant(nx),
      first: fc.constant(Math.min(a, b)),
      last: fc.constant(Math.max(a, b)),
      rx: finiteArb,
      ry: finiteArb,
      dt: finiteArb,
      leftKind: fc.nat(2),
      leftOffset: finiteArb,
      rightKind: fc.nat(2),
      rightOffset: finiteArb,
    }),
  )
const specArb = fc.oneof({ weight: 3, arbitrary: validSpecArb }, { weight: 1, arbitrary: wildSpecArb })

/** True if every size of the spec is a plain non-negative integer, so the TS oracle sees what Rust sees. */
const plain = (spec: PairStencil, rows: number) =>
  [spec.nx, spec.first, spec.last, spec.leftKind, spec.rightKind, rows].every(
    (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32,
  )

/** View lengths near what the shape needs (exact, off by one) or anything, so that many calls succeed. */
function bandArb(spec: PairStencil, rows: number) {
  const stride = Number.isInteger(spec.nx) ? spec.nx + 2 : 3
  const length = (exact: number) =>
    fc.oneof(fc.constant(exact), fc.constant(exact + 1), fc.constant(Math.max(0, exact - 1)), fc.nat(kValues))
  const at = (exact: number) => fc.record({ offset: fc.nat(kValues), length: length(exact) })
  const dst = Number.isInteger(rows) ? rows * stride : 0
  return fc.tuple(at(dst + 2 * stride), at(dst), at(dst))
}

describe('StencilKernel.step on random views', () => {
  it('succeeds exactly like the TS kernel, or throws and touches nothing', () => {
    let succeeded = 0
    const cases = fc
      .tuple(specArb, fc.oneof({ weight: 4, arbitrary: fc.nat(8) }, { weight: 1, arbitrary: sizeArb }))
      .chain(([spec, rows]) => fc.tuple(fc.constant(spec), fc.constant(rows), bandArb(spec, rows)))
    fc.assert(
      fc.property(cases, fc.boolean(), fc.integer(), ([spec, rows, [s, d, f]], withSource, seed) => {
        const buffer = randomBuffer(seed)
        const before = copyOf(buffer)
        const [src, dst] = [view(buffer, s), view(buffer, d)]
        const source = withSource ? view(buffer, f) : new Float64Array(0)
        try {
          new StencilKernel(stencilOf(spec)).step(src, dst, source, rows)
        } catch (error) {
          expect(error).toBeInstanceOf(Error)
          return sameBits(new Float64Array(buffer), new Float64Array(before))
        }
        succeeded++
        expect(onlyInside(before, buffer, dst)).toBe(true)
        if (!plain(spec, rows)) return true
        const oracle = copyOf(before)
        const oracleSource = withSource ? view(oracle, f) : new Float64Array(0)
        jsKernel.stencil(stencilOf(spec)).step(view(oracle, s), view(oracle, d), oracleSource, rows)
        return sameBits(new Float64Array(buffer), new Float64Array(oracle))
      }),
      { numRuns: 5000 },
    )
    // Not vacuous: a fair share of the random calls got past every check and were compared.
    console.info(`native fuzz: ${succeeded} of 5000 calls succeeded and matched`)
    expect(succeeded).toBeGreaterThan(80)
  })

  it('accepts well-formed bands (so the property above is not vacuous)', () => {
    // The same generators, restricted to consistent shapes, must mostly succeed.
    let succeeded = 0
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.integer({ min: 0, max: 8 }), fc.nat(), (nx, rows, seed) => {
        const stride = nx + 2
        const buffer = randomBuffer(seed)
        const src = new Float64Array(buffer, 0, (rows + 2) * stride)
        const dst = new Float64Array(buffer, (rows + 2) * stride * 8, rows * stride)
        const spec = {
          nx,
          first: 0,
          last: nx - 1,
          rx: 0.2,
          ry: 0.2,
          dt: 0.1,
          leftKind: 1,
          leftOffset: 0.5,
          rightKind: 2,
          rightOffset: 0,
        }
        const oracle = copyOf(buffer)
        new StencilKernel(stencilOf(spec)).step(src, dst, new Float64Array(0), rows)
        jsKernel
          .stencil(stencilOf(spec))
          .step(
            new Float64Array(oracle, 0, src.length),
            new Float64Array(oracle, dst.byteOffset, dst.length),
            new Float64Array(0),
            rows,
          )
        succeeded++
        return sameBits(new Float64Array(buffer), new Float64Array(oracle))
      }),
    )
    expect(succeeded).toBe(100)
  })

  it('refuses a destination that overlaps the source or the source term', () => {
    const buffer = randomBuffer(7)
    const spec = {
      nx: 3,
      first: 0,
      last: 2,
      rx: 0.1,
      ry: 0.1,
      dt: 0.1,
      leftKind: 0,
      leftOffset: 0,
      rightKind: 0,
      rightOffset: 0,
    }
    const src = new Float64Array(buffer, 0, 15)
    const kernel = new StencilKernel(stencilOf(spec))
    expect(() => kernel.step(src, new Float64Array(buffer, 40, 5), new Float64Array(0), 1)).toThrow(
      'dst overlaps src: views must not share memory',
    )
    const dst = new Float64Array(buffer, 200, 5)
    expect(() => kernel.step(src, dst, new Float64Array(buffer, 216, 5), 1)).toThrow(
      'dst overlaps source: views must not share memory',
    )
  })

  it('refuses huge shapes: lengths that overflow, and lengths no view has', () => {
    const spec = { first: 0, last: 0, rx: 0, ry: 0, dt: 0, leftKind: 0, leftOffset: 0, rightKind: 0, rightOffset: 0 }
    const kernel = new StencilKernel(stencilOf({ ...spec, nx: 2 ** 32 - 1 }))
    const small = new Float64Array(8)
    expect(() => kernel.step(small, small.subarray(0, 0), new Float64Array(0), 2 ** 32 - 1)).toThrow(
      'band shape must be (rows + 2)·(nx + 2) values that fit in memory, got rows 4294967295, nx 4294967295',
    )
    expect(() => kernel.step(small, small.subarray(0, 0), new Float64Array(0), 2 ** 20)).toThrow(
      `src has length 8, expected ${(2 ** 20 + 2) * (2 ** 32 + 1)}`,
    )
  })
})

describe('fillGhostRow on random views', () => {
  it('succeeds exactly like the TS kernel, or throws and touches nothing', () => {
    fc.assert(
      fc.property(viewArb, viewArb, coefficientArb, fc.integer(), (t, f, offset, seed) => {
        const buffer = randomBuffer(seed)
        const before = copyOf(buffer)
        const target = view(buffer, t)
        try {
          fillGhostRow(target, view(buffer, f), view(buffer, f), mirrorRule(offset))
        } catch (error) {
          expect(error).toBeInstanceOf(Error)
          return sameBits(new Float64Array(buffer), new Float64Array(before))
        }
        expect(onlyInside(before, buffer, target)).toBe(true)
        const oracle = copyOf(before)
        jsKernel.fillGhostRow(view(oracle, t), view(oracle, f), view(oracle, f), mirrorRule(offset))
        return sameBits(new Float64Array(buffer), new Float64Array(oracle))
      }),
      { numRuns: 3000 },
    )
  })
})

describe('the StencilKernel constructor', () => {
  it('throws an Error for anything that is not a valid stencil', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), specArb), (spec) => {
        try {
          new StencilKernel(
            (typeof spec === 'object' && spec !== null ? stencilOf(spec as PairStencil) : spec) as never,
          )
        } catch (error) {
          expect(error).toBeInstanceOf(Error)
        }
      }),
      { numRuns: 1000 },
    )
  })
})
