/**
 * The small validators every option parser uses. Each throws a TypeError (or RangeError) whose message
 * names the option, what was expected and what was given: `options.dt must be a positive finite number, got -1`.
 */

/** Renders a value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'bigint') return `${value}n (a bigint)`
  if (Array.isArray(value)) return `an array of length ${value.length}`
  if (value instanceof Float64Array) return `a Float64Array of length ${value.length}`
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return String(value)
}

/** Throws `${name} must be ${expected}, got …`. */
export function fail(name: string, expected: string, value: unknown): never {
  throw new TypeError(`${name} must be ${expected}, got ${describe(value)}`)
}

/** An object that is neither an array nor a typed array (option sections and side specs). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)
}

/** Rejects keys not in `allowed`, naming the first unknown one and the valid choices. */
export function checkKeys(name: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`Unknown option ${name}.${key}; expected one of ${allowed.join(', ')}`)
    }
  }
}

export function positiveNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(name, 'a positive finite number', value)
  return value as number
}

export function finiteNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(name, 'a finite number', value)
  return value as number
}

export function integerAtLeast(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(name, `an integer >= ${min}`, value)
  return value as number
}
