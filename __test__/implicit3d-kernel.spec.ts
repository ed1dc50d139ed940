/**
 * The native 3D line solves (Douglas–Gunn) refuse what does not fit before touching memory: bad systems,
 * bands, lengths, shared memory, weights and faces.
 */
import { describe, expect, it } from 'vitest'

import { NativePlaneLines, PlaneLineKernel } from '../crate/index.js'
import { createControlBlock } from '../dist/parallel/control.js'

describe('the native 3D line solves refuse what does not fit', () => {
  const n = 5
  const len = (n + 2) ** 3
  const none = { kind: 'none', a: 0, b: 0, c: 0 } as const
  const fixed = { fixed: true, term: 0 }
  const axis = (count: number) => ({
    ...{ first: 1, count, half: 0.5, lower: Array(count).fill(0), inv: Array(count).fill(1) },
    ...{ upper: Array(count).fill(0), low: fixed, high: fixed },
  })
  const rules = { left: none, right: none, bottom: none, top: none, back: none, front: none }
  const spec = { nx: n, ny: n, nz: n, dt: 0.1, x: axis(n - 2), y: axis(n - 2), z: axis(n - 2), ...rules }
  const field = () => new Float64Array(new SharedArrayBuffer(8 * len))

  it('checks the systems, the band and every length before touching memory', () => {
    expect(() => new PlaneLineKernel({ ...spec, nz: 1 })).toThrow(/grid/)
    expect(() => new PlaneLineKernel({ ...spec, z: axis(n - 1) })).toThrow(/z/)
    expect(() => new PlaneLineKernel({ ...spec, dt: Number.NaN })).toThrow(/dt/)
    expect(() => new NativePlaneLines({ start: 2, end: 2, rowStart: 1, rowEnd: 2, parties: 1 })).toThrow(/band/)
    const kernel = new PlaneLineKernel(spec)
    const control = createControlBlock(1)
    const band = (start: number, end: number) =>
      new NativePlaneLines({ start, end, rowStart: 1, rowEnd: n - 1, parties: 1 })
    const none0 = new Float64Array(0)
    expect(() => band(0, n).run(field(), field(), none0, none0, none0, control, kernel, 1, 0)).toThrow(/band/)
    expect(() => band(1, n - 1).run(field(), new Float64Array(8), none0, none0, none0, control, kernel, 1, 0)).toThrow(
      /field/,
    )
    expect(() =>
      band(1, n - 1).run(field(), field(), new Float64Array(3), none0, none0, control, kernel, 1, 0),
    ).toThrow(/source/)
    const empty = { first: 1, count: n - 2, half: 0.5, lower: [], inv: [], upper: [], low: fixed, high: fixed }
    const variable = new PlaneLineKernel({ ...spec, variable: true, x: empty, y: empty, z: empty })
    const run = (faces: Float64Array) => () =>
      band(1, n - 1).run(field(), field(), none0, faces, none0, control, variable, 1, 0)
    expect(run(none0)).toThrow(/faces/)
    expect(run(new Float64Array(4 * len))).toThrow(/faces/)
    expect(run(new Float64Array(5 * len).fill(1))()).toEqual({ steps: 1, abandoned: false, lost: false })
    const wrap = { kind: 'wrap', a: 0, b: 0, c: 0 } as const
    expect(() => new PlaneLineKernel({ ...spec, variable: true, x: empty, y: empty, z: empty, back: wrap })).toThrow(
      /periodic/,
    )
    const [a, b] = [field(), field()]
    expect(() => band(1, n - 1).run(a, a, none0, none0, none0, control, kernel, 1, 0)).toThrow(/share memory|fieldB/)
    expect(() => band(1, n - 1).run(a, b, none0, none0, Float64Array.of(0.1), control, kernel, 2, 0)).toThrow(/weights/)
    expect(band(1, n - 1).run(a, b, none0, none0, none0, control, kernel, 2, 0)).toEqual({
      steps: 2,
      abandoned: false,
      lost: false,
    })
  })
})
