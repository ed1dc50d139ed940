/** What every part of `calor run`'s flag handling shares: the usage error and the shape of a flag. */

/** A bad flag or value: the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export interface Flag {
  name: string
  /** Placeholder of the value; none for a switch. */
  value?: string
  short?: string
  /** The flag may be given more than once (its values arrive as a list). */
  multiple?: boolean
  default: string
  help: string
}

/** A decimal number as people write it: digits, an optional fraction and exponent; no hex, spaces, or Infinity. */
const kDecimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** `text` as a finite number, or a UsageError naming `--flag`. */
export function strictNumber(text: string, flag: string): number {
  const n = Number(text)
  if (!kDecimal.test(text) || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, got '${text}'`)
  return n
}

/** `text` as an integer ≥ `min` (1e3 is allowed: it is one), or a UsageError naming `--flag`. */
export function strictInteger(text: string, flag: string, min: number): number {
  const n = Number(text)
  if (!kDecimal.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${flag} must be an integer >= ${min}, got '${text}'`)
  }
  return n
}
