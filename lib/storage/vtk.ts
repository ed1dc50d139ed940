/**
 * VTK XML files for ParaView and VisIt: ImageData (`.vti`) of one scalar field on a uniform grid, and the
 * `.pvd` collection that lists such files with their times. File formats only: the caller maps its grid
 * to a `VtkImage`. Format: https://docs.vtk.org/en/latest/design_documents/VTKFileFormats.html
 *
 * A `.vti` holds one point array "u" (Float64), x fastest, then y, then z: node (i, j, k) is value
 * (k·ny + j)·nx + i, which is VTK's point order. The binary data is preceded by its byte count as a UInt64
 * (`header_type="UInt64"`), in the machine's byte order (`byte_order`). Two encodings:
 * - 'raw': the data is appended after the XML, `<AppendedData encoding="raw">_` + count + bytes;
 * - 'base64': the data is inline, `format="binary"`: base64 of count + bytes, as one stream.
 * The file's time is also recorded as FieldData "TimeValue", which readers show for a lone file.
 */
import { constants as bufferConstants } from 'node:buffer'
import os from 'node:os'

import { writeAtomically } from './atomic.js'

/** A uniform grid of points: counts per axis (nz = 1 for a plane), spacing and the first point's position. */
export interface VtkImage {
  readonly nx: number
  readonly ny: number
  readonly nz: number
  readonly dx: number
  readonly dy: number
  readonly dz: number
  readonly origin: readonly [number, number, number]
}

export type VtkEncoding = 'raw' | 'base64'

export const kVtkEncodings: readonly VtkEncoding[] = ['raw', 'base64']

/** The name of the point array. */
export const kVtkArrayName = 'u'

/** Bytes of the size header before the data (UInt64). */
const kHeaderBytes = 8

/** Bytes of data encoded at once in base64 (a multiple of 3, so the pieces join into one stream). */
const kBase64Chunk = 3 * 2 ** 18

const kByteOrder = os.endianness() === 'LE' ? 'LittleEndian' : 'BigEndian'

/** The bytes of a .vti of `points` values: the largest single buffer this module makes. */
export function vtiBytes(points: number, encoding: VtkEncoding): number {
  const data = kHeaderBytes + points * Float64Array.BYTES_PER_ELEMENT
  const body = encoding === 'raw' ? data : 4 * Math.ceil(data / 3)
  // The XML around the data is well under 2 kB.
  return body + 2048
}

/** The largest file one buffer can hold (Node's Buffer limit). */
export const kMaxVtiBytes = bufferConstants.MAX_LENGTH

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const unescapeXml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&')

/** A number as an XML attribute: the shortest text that reads back as the same double. */
const number = (value: number) => String(value)

function checkImage(image: VtkImage, field: Float64Array): void {
  const { nx, ny, nz, dx, dy, dz, origin } = image
  const counts = [nx, ny, nz].every((n) => Number.isSafeInteger(n) && n >= 1)
  const lengths = [dx, dy, dz, ...origin].every(Number.isFinite) && origin.length === 3
  if (!counts || !lengths || !(dx > 0 && dy > 0 && dz > 0)) {
    throw new RangeError(`formatVti: a bad image ${JSON.stringify(image)}`)
  }
  if (field.length !== nx * ny * nz) {
    throw new RangeError(`formatVti: the field has ${field.length} values, the image ${nx}×${ny}×${nz} points`)
  }
}

/** The XML before the data and after it, for one encoding. */
function vtiXml(image: VtkImage, t: number, encoding: VtkEncoding): { head: string; tail: string } {
  const { nx, ny, nz, dx, dy, dz, origin } = image
  const extent = `0 ${nx - 1} 0 ${ny - 1} 0 ${nz - 1}`
  const format = encoding === 'raw' ? 'format="appended" offset="0"/>' : 'format="binary">'
  const head = [
    '<?xml version="1.0"?>',
    `<VTKFile type="ImageData" version="1.0" byte_order="${kByteOrder}" header_type="UInt64">`,
    `  <ImageData WholeExtent="${extent}" Origin="${origin.map(number).join(' ')}" Spacing="${[dx, dy, dz].map(number).join(' ')}">`,
    '    <FieldData>',
    `      <DataArray type="Float64" Name="TimeValue" NumberOfTuples="1" format="ascii">${number(t)}</DataArray>`,
    '    </FieldData>',
    `    <Piece Extent="${extent}">`,
    `      <PointData Scalars="${kVtkArrayName}">`,
    `        <DataArray type="Float64" Name="${kVtkArrayName}" NumberOfComponents="1" ${format}`,
  ]
  const close = ['      </PointData>', '      <CellData>', '      </CellData>', '    </Piece>', '  </ImageData>']
  if (encoding === 'raw') {
    const tail = ['', '  </AppendedData>', '</VTKFile>', ''].join('\n')
    return { head: [...head, ...close, '  <AppendedData encoding="raw">', '   _'].join('\n'), tail }
  }
  return { head: head.join('\n'), tail: ['</DataArray>', ...close, '</VTKFile>', ''].join('\n') }
}

/** The byte count before the data, as a UInt64 in the file's byte order. */
function sizeHeader(bytes: number): Uint8Array {
  const header = new Uint8Array(kHeaderBytes)
  new DataView(header.buffer).setBigUint64(0, BigInt(bytes), kByteOrder === 'LittleEndian')
  return header
}

/** Writes base64(header + data) into `out` at `at`, a piece at a time (no joined copy); returns the end. */
function writeBase64(out: Buffer, at: number, header: Uint8Array, data: Uint8Array): number {
  // The header and the first bytes of data make a multiple of 3, so every later piece starts a new quantum.
  const lead = Math.min(data.length, (3 - (header.length % 3)) % 3)
  const first = Buffer.alloc(header.length + lead)
  first.set(header)
  first.set(data.subarray(0, lead), header.length)
  at += out.write(first.toString('base64'), at, 'latin1')
  for (let from = lead; from < data.length; from += kBase64Chunk) {
    const piece = Buffer.from(data.buffer, data.byteOffset + from, Math.min(kBase64Chunk, data.length - from))
    at += out.write(piece.toString('base64'), at, 'latin1')
  }
  return at
}

/**
 * The bytes of a `.vti` file holding `field` (nx·ny·nz values, x fastest) on `image`, at time `t`, in one
 * buffer (the field itself is read in place).
 */
export function formatVti(image: VtkImage, field: Float64Array, t: number, encoding: VtkEncoding): Buffer {
  checkImage(image, field)
  if (!Number.isFinite(t)) throw new RangeError(`formatVti: the time must be finite, got ${t}`)
  const { head, tail } = vtiXml(image, t, encoding)
  const data = new Uint8Array(field.buffer, field.byteOffset, field.byteLength)
  const header = sizeHeader(data.length)
  const body = encoding === 'raw' ? header.length + data.length : 4 * Math.ceil((header.length + data.length) / 3)
  const out = Buffer.allocUnsafe(head.length + body + tail.length)
  let at = out.write(head, 0, 'latin1')
  if (encoding === 'raw') {
    out.set(header, at)
    out.set(data, at + header.length)
    at += body
  } else {
    at = writeBase64(out, at, header, data)
  }
  at += out.write(tail, at, 'latin1')
  if (at !== out.length) throw new Error(`internal: formatVti wrote ${at} of ${out.length} bytes`)
  return out
}

/** Writes a `.vti` file atomically (a reader never sees half of it). */
export async function writeVti(
  file: string,
  image: VtkImage,
  field: Float64Array,
  t: number,
  encoding: VtkEncoding,
): Promise<void> {
  await writeAtomically(file, formatVti(image, field, t, encoding))
}

/** One file of a collection and its time. */
export interface PvdEntry {
  readonly t: number
  /** The file's path relative to the .pvd. */
  readonly file: string
}

/** The bytes of a `.pvd` collection listing `entries` in order, each a DataSet with its timestep. */
export function formatPvd(entries: readonly PvdEntry[]): Buffer {
  const lines = entries.map(({ t, file }) => {
    if (!Number.isFinite(t)) throw new RangeError(`formatPvd: the time of ${file} must be finite, got ${t}`)
    return `    <DataSet timestep="${number(t)}" group="" part="0" file="${escapeXml(file)}"/>`
  })
  const xml = [
    '<?xml version="1.0"?>',
    `<VTKFile type="Collection" version="1.0" byte_order="${kByteOrder}" header_type="UInt64">`,
    '  <Collection>',
    ...lines,
    '  </Collection>',
    '</VTKFile>',
    '',
  ]
  return Buffer.from(xml.join('\n'), 'utf8')
}

/** A DataSet line as formatPvd writes it. */
const kDataSet = /^ {4}<DataSet timestep="([^"]+)" group="" part="0" file="([^"]+)"\/>$/

/**
 * The entries of a `.pvd` that formatPvd wrote (to continue a collection), or undefined when `text` is not
 * such a file: another writer's layout is not guessed at.
 */
export function parsePvd(text: string): PvdEntry[] | undefined {
  const lines = text.split('\n')
  const [head, tail] = [formatPvd([]).toString('utf8').split('\n'), lines.slice(-3)]
  if (lines.slice(0, 3).join('\n') !== head.slice(0, 3).join('\n') || tail.join('\n') !== head.slice(-3).join('\n')) {
    return undefined
  }
  const entries: PvdEntry[] = []
  for (const line of lines.slice(3, -3)) {
    const found = kDataSet.exec(line)
    const t = Number(found?.[1])
    if (found === null || !Number.isFinite(t)) return undefined
    entries.push({ t, file: unescapeXml(found[2]) })
  }
  return entries
}

/** Replaces a `.pvd` file atomically: after a crash it is the previous whole collection or the new one. */
export async function writePvd(file: string, entries: readonly PvdEntry[]): Promise<void> {
  await writeAtomically(file, formatPvd(entries))
}
