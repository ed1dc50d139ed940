/**
 * The checkpoint file format, and writing it so that no reader ever sees half of one.
 *
 * Layout (all integers little-endian):
 *
 *     offset 0     8 bytes   magic "CALORCKP"
 *            8     u32       format version (kCheckpointVersion)
 *            12    u32       header length H (a multiple of 8, so the payload is 8-byte aligned)
 *            16    H bytes   JSON header (CheckpointHeader), padded with spaces
 *            16+H  8·nx·ny   the field, float64 little-endian, node (i, j) at j·nx + i
 *            end−32          SHA-256 of every byte before it
 *
 * A file is written to a temporary name in the same directory, fsynced, then renamed over the
 * target (and the directory fsynced), so the target is always either the previous checkpoint or the
 * new one, whole.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import os from 'node:os'

import { CheckpointError } from '../api/errors.js'

export { writeAtomically } from './atomic.js'

export const kCheckpointMagic = 'CALORCKP'
export const kCheckpointVersion = 1
const kPrefixBytes = 16
const kDigestBytes = 32

/** One side's condition as stored: the kind and its Dirichlet value or Neumann flux. */
export interface StoredSide {
  kind: string
  value: number
  /** The side's data as text (absent in files written before sides could vary). */
  spec?: string
}

/** What a checkpoint records besides the field: where the run is, and the physics it belongs to. */
export interface CheckpointHeader {
  /** Steps completed since the start of the run, and the time reached. */
  step: number
  t: number
  /** The time step every step of the run takes. */
  dt: number
  /** Steps the whole run takes. */
  steps: number
  /** The run's final time, when it was given by `tEnd`. */
  tEnd: number | null
  grid: { nx: number; ny: number; lx: number; ly: number }
  diffusivity: number
  /** The time-stepping method; absent in files written before there was a choice ('explicit'). */
  method?: string
  sides: { left: StoredSide; right: StoredSide; bottom: StoredSide; top: StoredSide }
  /** SHA-256 (hex) of the initial field and of the source (null for none), as float64 little-endian. */
  initialSha256: string
  sourceSha256: string | null
  /** SHA-256 of a varying diffusivity's nodal values, null for a constant one (absent in older files). */
  diffusivitySha256?: string | null
  /** How the source varies in time: null (constant), or the identity of its scale(t) or f(x, y, t). */
  sourceTime?: string | null
}

/** The bytes of `values` as float64 little-endian (a view on little-endian hosts, a swapped copy otherwise). */
export function littleEndianBytes(values: Float64Array): Buffer {
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength)
  return os.endianness() === 'LE' ? bytes : Buffer.from(bytes).swap64()
}

/** SHA-256 (hex) of float64 values stored little-endian: one array, or several hashed one after another. */
export function sha256OfValues(values: Float64Array | Iterable<Float64Array>): string {
  const hash = createHash('sha256')
  for (const part of values instanceof Float64Array ? [values] : values) hash.update(littleEndianBytes(part))
  return hash.digest('hex')
}

/** The whole file as bytes. */
export function encodeCheckpoint(header: CheckpointHeader, field: Float64Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8')
  const padded = Math.ceil(json.length / 8) * 8
  const prefix = Buffer.alloc(kPrefixBytes + padded, ' ')
  prefix.write(kCheckpointMagic, 0, 'latin1')
  prefix.writeUInt32LE(kCheckpointVersion, 8)
  prefix.writeUInt32LE(padded, 12)
  json.copy(prefix, kPrefixBytes)
  const payload = littleEndianBytes(field)
  const digest = createHash('sha256').update(prefix).update(payload).digest()
  return Buffer.concat([prefix, payload, digest])
}

/**
 * Parses and verifies a checkpoint's bytes. Throws a CheckpointError saying what is wrong: too
 * short, not a checkpoint, another version, a malformed header, truncated, or damaged (checksum).
 */
export function decodeCheckpoint(file: string, bytes: Buffer): { header: CheckpointHeader; field: Float64Array } {
  const bad = (reason: string) => new CheckpointError(`${file} is not a valid calor checkpoint: ${reason}`, file)
  if (bytes.length < kPrefixBytes + kDigestBytes) throw bad(`it has only ${bytes.length} bytes`)
  if (bytes.toString('latin1', 0, 8) !== kCheckpointMagic) throw bad('it does not start with "CALORCKP"')
  const version = bytes.readUInt32LE(8)
  if (version !== kCheckpointVersion) {
    throw bad(`format version ${version} is not supported (expected ${kCheckpointVersion})`)
  }
  const payloadStart = kPrefixBytes + bytes.readUInt32LE(12)
  if (payloadStart > bytes.length - kDigestBytes) throw bad(`it is truncated inside its header (${bytes.length} bytes)`)
  const header = parseHeader(bytes.toString('utf8', kPrefixBytes, payloadStart), bad)
  const values = header.grid.nx * header.grid.ny
  const expected = payloadStart + values * 8 + kDigestBytes
  if (bytes.length !== expected) {
    throw bad(
      `it is ${bytes.length < expected ? 'truncated' : 'too long'} (${bytes.length} bytes, expected ${expected})`,
    )
  }
  const digest = createHash('sha256')
    .update(bytes.subarray(0, expected - kDigestBytes))
    .digest()
  if (!digest.equals(bytes.subarray(expected - kDigestBytes))) {
    throw bad('its SHA-256 does not match (the file is damaged)')
  }
  const field = new Float64Array(values)
  const target = Buffer.from(field.buffer)
  bytes.copy(target, 0, payloadStart, expected - kDigestBytes)
  if (os.endianness() !== 'LE') target.swap64()
  return { header, field }
}

function parseHeader(text: string, bad: (reason: string) => CheckpointError): CheckpointHeader {
  let header: unknown
  try {
    header = JSON.parse(text)
  } catch {
    throw bad('its header is not JSON (the file is damaged)')
  }
  const h = header as Partial<CheckpointHeader> | null
  const integer = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0
  const ok =
    typeof h === 'object' &&
    h !== null &&
    integer(h.step) &&
    integer(h.steps) &&
    typeof h.t === 'number' &&
    typeof h.dt === 'number' &&
    typeof h.grid === 'object' &&
    h.grid !== null &&
    integer(h.grid.nx) &&
    integer(h.grid.ny) &&
    typeof h.sides === 'object' &&
    h.sides !== null
  if (!ok) throw bad('its header lacks step, steps, t, dt, grid or sides (the file is damaged)')
  return h as CheckpointHeader
}

/** Reads and verifies a checkpoint file. */
export async function readCheckpoint(file: string): Promise<{ header: CheckpointHeader; field: Float64Array }> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new CheckpointError(`cannot read checkpoint ${file}: ${reason}`, file, { cause: error })
  }
  return decodeCheckpoint(file, bytes)
}
