/**
 * Reads the user's options exactly once, into plain data, before validation looks at them. A getter
 * that throws, a revoked Proxy or a Proxy that answers differently on each read then becomes a
 * TypeError naming the option, instead of an arbitrary exception (or a value that changes between
 * the check and the use). Functions are wrapped so that an exception inside `initial(x, y)` names
 * the option and the point too.
 */
import { availableMemory } from './limits.js'
import { kMaxProbes } from './probes.js'

/** Option keys whose values are read one level deeper (plain objects of plain values). */
const kNestedKeys = new Set(['grid', 'checkpoint', 'frames', 'vtk'])
const kFieldKeys = new Set(['initial', 'source', 'diffusivity'])

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Runs `read`, turning any exception into a TypeError that says which option could not be read. */
function guarded<T>(name: string, read: () => T): T {
  try {
    return read()
  } catch (error) {
    throw new TypeError(`${name} could not be read: ${messageOf(error)}`, { cause: error })
  }
}

function isObjectRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)
}

/**
 * Reads `object[key]` once. An object value is probed too: a revoked Proxy fails even `Array.isArray`,
 * which every validator calls, so it is refused here, by name.
 */
function readValue(name: string, object: Record<string, unknown>, key: string): unknown {
  const value = guarded(name, () => object[key])
  if (typeof value === 'object' && value !== null) guarded(name, () => Array.isArray(value))
  return value
}

/** A plain copy of an object's enumerable string keys (own and inherited), each read once. */
function copyObject(name: string, value: Record<string, unknown>, deep: (key: string, v: unknown) => unknown) {
  const out: Record<string, unknown> = {}
  const keys = guarded(name, () => {
    const list: string[] = []
    for (const key in value) list.push(key)
    return list
  })
  for (const key of keys) out[key] = deep(key, readValue(`${name}.${key}`, value, key))
  return out
}

/** A plain object stays a (copied) object; anything else is returned for the validator to refuse. */
function shallow(name: string, value: unknown): unknown {
  return guarded(name, () => isObjectRecord(value))
    ? copyObject(name, value as Record<string, unknown>, (_, v) => v)
    : value
}

/** `boundary` is either one side condition or an object of four of them. */
function boundary(name: string, value: unknown): unknown {
  if (!guarded(name, () => isObjectRecord(value))) return value
  const record = value as Record<string, unknown>
  if (guarded(name, () => 'type' in record)) return shallow(name, value)
  return copyObject(name, record, (key, side) => shallow(`${name}.${key}`, side))
}

/** A list of points `[{ x, y }]`, each read once; a list longer than `limit` is left for the validator to refuse. */
function points(name: string, value: unknown, limit: number): unknown {
  if (!guarded(name, () => Array.isArray(value))) return value
  const array = value as unknown[]
  const length = guarded(`${name}.length`, () => array.length)
  if (length > limit) return value
  return Array.from({ length }, (_, k) =>
    shallow(
      `${name}[${k}]`,
      guarded(`${name}[${k}]`, () => array[k]),
    ),
  )
}

/** `probes` is a list of points or `{ points, every }`. */
function probes(name: string, value: unknown): unknown {
  if (!guarded(name, () => isObjectRecord(value))) return points(name, value, kMaxProbes)
  const copy = shallow(name, value) as Record<string, unknown>
  if ('points' in copy) copy.points = points(`${name}.points`, copy.points, kMaxProbes)
  return copy
}

/**
 * `f` called with exactly its first `count` arguments (2, 3 or 4). No rest array and no spread: a field
 * function runs at every node (67 million times at 8193²), and those cost more than most functions.
 */
function forward(f: (...args: number[]) => unknown, count: number) {
  if (count === 2) return (a: number, b: number) => f(a, b)
  if (count === 3) return (a: number, b: number, c: number) => f(a, b, c)
  return (a: number, b: number, c: number, d: number) => f(a, b, c, d)
}

/**
 * Wraps a function so that an exception inside it names the option and the point (and the time, for a
 * function of (x, y, t)). The wrapper keeps the function's `length`, which tells (x, y) from (x, y, t).
 * On a 3D grid the point is (x, y, z), and a function of (x, y, z, t) has four parameters.
 */
function wrapField(name: string, f: (...args: number[]) => unknown, threeD: boolean) {
  const axes = threeD ? ['x', 'y', 'z'] : ['x', 'y']
  const timed = f.length >= axes.length + 1
  const params = timed ? [...axes, 't'] : axes
  const call = forward(f, params.length)
  const wrapped = (a: number, b: number, c: number, d: number) => {
    try {
      return call(a, b, c, d)
    } catch (error) {
      const args = [a, b, c, d]
      const at = params.map((p, k) => `${p} = ${args[k]}`).join(', ')
      throw new TypeError(`${name}(${params.join(', ')}) threw at ${at}: ${messageOf(error)}`, {
        cause: error,
      })
    }
  }
  // The wrapper keeps the function's own text too, which is its identity in a checkpoint.
  Object.defineProperty(wrapped, 'toString', { value: () => String(f) })
  return Object.defineProperty(wrapped, 'length', { value: params.length })
}

/** Wraps a function of t the same way (a separable source's scale). */
function wrapScale(name: string, g: (t: number) => unknown) {
  const wrapped = (t: number) => {
    try {
      return g(t)
    } catch (error) {
      throw new TypeError(`${name}(t) threw at t = ${t}: ${messageOf(error)}`, { cause: error })
    }
  }
  return Object.defineProperty(wrapped, 'toString', { value: () => String(g) })
}

/**
 * Arrays of nx·ny values are copied element by element; functions are wrapped; a fake typed array is
 * refused. `expected` is nx·ny when the grid looks valid: an array of another length is refused here,
 * so a huge sparse array (or a Proxy claiming a huge length) is never walked.
 */
function fieldInit(name: string, value: unknown, expected: number | undefined, threeD = false): unknown {
  if (typeof value === 'function') return wrapField(name, value as (...args: number[]) => unknown, threeD)
  if (name === 'options.source' && guarded(name, () => isObjectRecord(value))) {
    // The separable form { shape, scale }.
    const copy = copyObject(name, value as Record<string, unknown>, (_, v) => v)
    if ('shape' in copy) copy.shape = fieldInit(`${name}.shape`, copy.shape, expected, threeD)
    if (typeof copy.scale === 'function') copy.scale = wrapScale(`${name}.scale`, copy.scale as (t: number) => unknown)
    return copy
  }
  if (guarded(name, () => Array.isArray(value))) {
    const array = value as unknown[]
    const length = guarded(`${name}.length`, () => array.length)
    if (expected === undefined) return value
    if (length !== expected) {
      const count = threeD ? 'nx*ny*nz' : 'nx*ny'
      throw new TypeError(`${name} must be of length ${count} = ${expected}, got an array of length ${length}`)
    }
    return Array.from({ length }, (_, k) => guarded(`${name}[${k}]`, () => array[k]))
  }
  if (value instanceof Float64Array && !ArrayBuffer.isView(value)) {
    throw new TypeError(`${name} must be a number, a function (x, y) => number, or a Float64Array, got a Proxy`)
  }
  return value
}

/** nx·ny (·nz) if the grid's node counts are integers small enough to hold a field, else undefined. */
function expectedLength(grid: unknown): number | undefined {
  if (!isObjectRecord(grid)) return undefined
  const { nx, ny, nz = 1 } = grid
  const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 1
  if (!count(nx) || !count(ny) || !count(nz)) return undefined
  const length = (nx as number) * (ny as number) * (nz as number)
  return length * Float64Array.BYTES_PER_ELEMENT <= availableMemory() ? length : undefined
}

/** An AbortSignal is kept as is, after checking it really is one (a Proxy of one fails on use). */
function signal(name: string, value: unknown): unknown {
  if (guarded(name, () => value instanceof AbortSignal)) guarded(name, () => (value as AbortSignal).aborted)
  return value
}

function option(key: string, value: unknown): unknown {
  const name = `options.${key}`
  if (kNestedKeys.has(key)) return shallow(name, value)
  if (key === 'boundary') return boundary(name, value)
  if (key === 'signal') return signal(name, value)
  if (key === 'probes') return probes(name, value)
  return value
}

/**
 * A plain copy of `options` whose every value has been read once. Non-objects are returned as they
 * are, for `validateOptions` to refuse with its usual message.
 */
export function snapshotOptions<T>(options: T): T {
  if (!guarded('options', () => isObjectRecord(options))) return options
  const copy = copyObject('options', options as Record<string, unknown>, (key, v) =>
    kFieldKeys.has(key) ? v : option(key, v),
  )
  const expected = expectedLength(copy.grid)
  const grid = copy.grid
  const threeD = isObjectRecord(grid) && grid.nz !== undefined && grid.nz !== 1
  for (const key of kFieldKeys) if (key in copy) copy[key] = fieldInit(`options.${key}`, copy[key], expected, threeD)
  return copy as T
}
