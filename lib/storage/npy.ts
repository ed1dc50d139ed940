/**
 * NumPy `.npy` files of 2-D float64 arrays, the CLI's input and output format: little-endian
 * (`'<f8'`), C order, shape (ny, nx), so that `np.load(path)[j, i]` is node (i, j), as in the field.
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { readFile, writeFile } from 'node:fs/promises'

import { parsePyDict, PyLiteralError, type PyValue } from './pydict.js'

const kMagic = [0x93, ...Buffer.from('NUMPY')]
/** numpy aligns the header so that the data starts at a multiple of 64 bytes. */
const kAlign = 64

/** A bad or unsupported `.npy` file; the message names the file and what was wrong. */
export class NpyError extends Error {
  override name = 'NpyError'
}

/** A 2-D array: shape [rows, columns] and its values row after row. */
export interface Npy2D {
  shape: [number, number]
  data: Float64Array
}

/** Encodes a (rows × columns) float64 array as a version 1.0 `.npy` file. */
export function formatNpy(data: Float64Array, shape: readonly [number, number]): Buffer {
  const [rows, columns] = shape
  if (rows * columns !== data.length) {
    throw new RangeError(`formatNpy: shape (${rows}, ${columns}) does not hold ${data.length} values`)
  }
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${columns}), }`
  const unpadded = kMagic.length + 2 + 2 + dict.length + 1
  const header = dict + ' '.repeat((kAlign - (unpadded % kAlign)) % kAlign) + '\n'
  const out = Buffer.alloc(kMagic.length + 4 + header.length + data.byteLength)
  out.set(kMagic, 0)
  out.set([1, 0], kMagic.length)
  out.writeUInt16LE(header.length, kMagic.length + 2)
  out.write(header, kMagic.length + 4, 'latin1')
  const body = kMagic.length + 4 + header.length
  for (let k = 0; k < data.length; k++) out.writeDoubleLE(data[k], body + 8 * k)
  return out
}

/** Splits the file into its header text and the offset of the data. */
function readHeader(bytes: Buffer, name: string): { header: string; offset: number } {
  if (bytes.length < 10 || kMagic.some((b, k) => bytes[k] !== b)) {
    throw new NpyError(`${name} is not a .npy file (it does not start with \\x93NUMPY)`)
  }
  const major = bytes[6]
  if (major !== 1 && major !== 2 && major !== 3) {
    throw new NpyError(`${name}: .npy format version ${major}.${bytes[7]} is not supported (1.0, 2.0 and 3.0 are)`)
  }
  const [lengthBytes, headerLength] = major === 1 ? [2, bytes.readUInt16LE(8)] : [4, bytes.readUInt32LE(8)]
  const offset = 8 + lengthBytes + headerLength
  if (bytes.length < offset) throw new NpyError(`${name}: the header is cut short (file of ${bytes.length} bytes)`)
  return { header: bytes.toString(major === 3 ? 'utf8' : 'latin1', 8 + lengthBytes, offset), offset }
}

/** NumPy's header keys: it refuses a header with any other set. */
const kHeaderKeys = ['descr', 'fortran_order', 'shape']

/** The header's dict, parsed as NumPy parses it (the last of a repeated key wins); errors name the file. */
function headerDict(header: string, name: string): Map<string, PyValue> {
  let dict: Map<string, PyValue>
  try {
    dict = parsePyDict(header)
  } catch (error) {
    if (!(error instanceof PyLiteralError)) throw error
    throw new NpyError(`${name}: the header is not a Python dict literal (${error.message}): ${header.trim()}`)
  }
  const keys = [...dict.keys()].sort()
  if (keys.join() !== kHeaderKeys.join()) {
    throw new NpyError(`${name}: the header must have the keys ${kHeaderKeys.join(', ')}, got ${keys.join(', ')}`)
  }
  return dict
}

/** A header value as Python writes it, for error messages. */
function describeValue(value: PyValue | undefined): string {
  if (typeof value === 'string') return value.includes("'") ? `"${value}"` : `'${value}'`
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (value === null) return 'None'
  if (Array.isArray(value)) return `(${value.map(describeValue).join(', ')}${value.length === 1 ? ',' : ''})`
  return String(value)
}

/** Decodes a `.npy` file of a 2-D little-endian float64 array in C order; `name` labels errors. */
export function parseNpy(bytes: Buffer, name = 'the .npy file'): Npy2D {
  const { header, offset } = readHeader(bytes, name)
  const dict = headerDict(header, name)
  const descr = dict.get('descr')
  if (descr !== '<f8') {
    throw new NpyError(`${name}: dtype must be '<f8' (float64, little-endian), got ${describeValue(descr)}`)
  }
  const fortran = dict.get('fortran_order')
  if (fortran === true) {
    throw new NpyError(`${name}: the array is in Fortran order; save it in C order (np.ascontiguousarray)`)
  }
  if (fortran !== false)
    throw new NpyError(`${name}: fortran_order must be True or False, got ${describeValue(fortran)}`)
  const shape = dict.get('shape')
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((n) => typeof n === 'number')) {
    throw new NpyError(`${name}: the array must be 2-D, shape (ny, nx), got shape ${describeValue(shape)}`)
  }
  const [rows, columns] = shape as [number, number]
  const expected = offset + rows * columns * 8
  if (bytes.length !== expected) {
    throw new NpyError(`${name}: shape (${rows}, ${columns}) needs ${expected} bytes, the file has ${bytes.length}`)
  }
  const data = new Float64Array(rows * columns)
  for (let k = 0; k < data.length; k++) data[k] = bytes.readDoubleLE(offset + 8 * k)
  return { shape: [rows, columns], data }
}

/** Reads a 2-D float64 `.npy` file; errors name the file. */
export async function readNpy(file: string): Promise<Npy2D> {
  return parseNpy(await readFile(file), file)
}

/** Writes `data` (rows × columns, row after row) as a `.npy` file. */
export async function writeNpy(file: string, data: Float64Array, shape: readonly [number, number]): Promise<void> {
  await writeFile(file, formatNpy(data, shape))
}
