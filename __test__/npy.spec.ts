import { mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { formatNpy, NpyError, parseNpy, readNpy, writeNpy } from 'calor'

import { sameBits } from './helpers.js'

// Written by numpy 2.4 (np.save) from [[0, 1.5, -2.25], [1e-300, pi, -0.0]] in several layouts.
const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name)
const expected = new Float64Array([0, 1.5, -2.25, 1e-300, Math.PI, -0])

describe('npy', () => {
  it('reads what numpy writes, versions 1.0 and 2.0', async () => {
    for (const name of ['f8-2x3.npy', 'f8-2x3-v2.npy']) {
      const { shape, data } = await readNpy(fixture(name))
      expect(shape, name).toEqual([2, 3])
      expect(sameBits(data, expected), name).toBe(true)
    }
  })

  it('writes the same bytes as numpy', () => {
    expect(formatNpy(expected, [2, 3])).toEqual(readFileSync(fixture('f8-2x3.npy')))
  })

  it('round-trips through a file, keeping every bit', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'calor-npy-')), 'field.npy')
    const data = Float64Array.from({ length: 5 * 7 }, (_, k) => Math.sin(k) * 10 ** (k - 17))
    await writeNpy(file, data, [5, 7])
    const back = await readNpy(file)
    expect(back.shape).toEqual([5, 7])
    expect(sameBits(back.data, data)).toBe(true)
    expect(readFileSync(file).length % 64).toBe((5 * 7 * 8) % 64)
  })

  it.each([
    ['f8-2x3-big-endian.npy', "dtype must be '<f8' (float64, little-endian), got '>f8'"],
    ['f4-2x3.npy', "dtype must be '<f8' (float64, little-endian), got '<f4'"],
    ['f8-2x3-fortran.npy', 'the array is in Fortran order; save it in C order (np.ascontiguousarray)'],
    ['f8-2x3x1.npy', 'the array must be 2-D, shape (ny, nx), got shape (2, 3, 1)'],
  ])('refuses %s', async (name, message) => {
    await expect(readNpy(fixture(name))).rejects.toThrow(`${fixture(name)}: ${message}`)
    await expect(readNpy(fixture(name))).rejects.toBeInstanceOf(NpyError)
  })

  it('refuses files that are cut short or not .npy at all', () => {
    const good = readFileSync(fixture('f8-2x3.npy'))
    expect(() => parseNpy(good.subarray(0, good.length - 8), 'a.npy')).toThrow(
      'a.npy: shape (2, 3) needs 176 bytes, the file has 168',
    )
    expect(() => parseNpy(good.subarray(0, 40), 'a.npy')).toThrow('a.npy: the header is cut short (file of 40 bytes)')
    expect(() => parseNpy(Buffer.from('PK\x03\x04 not numpy'), 'a.npz')).toThrow(
      'a.npz is not a .npy file (it does not start with \\x93NUMPY)',
    )
    const v9 = Buffer.from(good)
    v9[6] = 9
    expect(() => parseNpy(v9, 'a.npy')).toThrow(
      'a.npy: .npy format version 9.0 is not supported (1.0, 2.0 and 3.0 are)',
    )
  })

  it('refuses to write a shape that does not match the data', () => {
    expect(() => formatNpy(new Float64Array(5), [2, 3])).toThrow('formatNpy: shape (2, 3) does not hold 5 values')
  })
})
