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

  /** A version 1.0 file with header `dict` and 2×3 values. */
  const withHeader = (dict: string) => {
    const header = Buffer.from(`${dict}\n`, 'latin1')
    const prefix = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 255, header.length >> 8])
    const body = Buffer.alloc(6 * 8)
    expected.forEach((v, k) => body.writeDoubleLE(v, 8 * k))
    return Buffer.concat([prefix, header, body])
  }

  it('parses the header dict as NumPy does: the last of a repeated key wins, keys inside strings are text', () => {
    const last = withHeader("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), 'descr': '<f8'}")
    expect(sameBits(parseNpy(last, 'a.npy').data, expected)).toBe(true)
    const lastWrong = withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'descr': '>f8', }")
    expect(() => parseNpy(lastWrong, 'a.npy')).toThrow("a.npy: dtype must be '<f8' (float64, little-endian), got '>f8'")
    const quoted = withHeader(`{"descr": "<f8", 'fortran_order': False, 'shape': (2, 3) }`)
    expect(parseNpy(quoted, 'a.npy').shape).toEqual([2, 3])
  })

  it.each([
    [
      "{'descr': \"x'descr': '<f8'\", 'fortran_order': False, 'shape': (2, 3)}",
      "dtype must be '<f8' (float64, little-endian), got \"x'descr': '<f8'\"",
    ],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (2.0, 3.0)}", 'expected a string, a plain integer'],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (0x2, 0x3)}", 'expected a string, a plain integer'],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)} junk", 'expected the end of the header'],
    [
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x': 1}",
      'the header must have the keys descr, fortran_order, shape, got descr, fortran_order, shape, x',
    ],
    ["{'descr': '<f8', 'fortran_order': 0, 'shape': (2, 3)}", 'fortran_order must be True or False, got 0'],
    [
      "{'descr': '<f8', 'fortran_order': False, 'shape': (6,)}",
      'the array must be 2-D, shape (ny, nx), got shape (6,)',
    ],
  ])('refuses the header %s', (dict, message) => {
    expect(() => parseNpy(withHeader(dict), 'a.npy')).toThrow(NpyError)
    expect(() => parseNpy(withHeader(dict), 'a.npy')).toThrow(message)
  })
})
