/**
 * The Python literal a `.npy` header holds: a dict of string keys whose values are strings, plain
 * decimal integers, True/False/None or tuples of those. Parsed as a grammar, not searched by pattern:
 * a key inside another string is not a key, and a repeated key takes its last value, as NumPy's
 * `ast.literal_eval` does. Anything else (floats, hex, expressions) is refused.
 */

export type PyValue = string | number | boolean | null | readonly PyValue[]

/** Thrown with what was expected and where; the caller adds the file name. */
export class PyLiteralError extends Error {
  override name = 'PyLiteralError'
}

class Reader {
  at = 0
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at])) this.at++
  }

  /** Skips spaces, then consumes `token` if it comes next. */
  take(token: string): boolean {
    this.skipSpace()
    if (!this.text.startsWith(token, this.at)) return false
    this.at += token.length
    return true
  }

  fail(expected: string): never {
    const found = this.at < this.text.length ? JSON.stringify(this.text.slice(this.at, this.at + 12)) : 'the end'
    throw new PyLiteralError(`expected ${expected} at character ${this.at}, found ${found}`)
  }

  expect(token: string): void {
    if (!this.take(token)) this.fail(`'${token}'`)
  }
}

function readString(r: Reader): string {
  const quote = r.text[r.at]
  let out = ''
  for (r.at++; r.at < r.text.length; r.at++) {
    const c = r.text[r.at]
    if (c === quote) {
      r.at++
      return out
    }
    // Escapes as Python reads them for the characters a header may hold; \x etc. are not needed.
    out += c === '\\' ? (r.text[++r.at] ?? '') : c
  }
  return r.fail(`the closing ${quote} of a string`)
}

/** A sequence of `item`s between `open` and `close`, separated by commas, a trailing comma allowed. */
function readSequence<T>(r: Reader, open: string, close: string, item: () => T): T[] {
  r.expect(open)
  const items: T[] = []
  while (!r.take(close)) {
    items.push(item())
    if (!r.take(',')) {
      r.expect(close)
      break
    }
  }
  return items
}

function readValue(r: Reader): PyValue {
  r.skipSpace()
  const rest = r.text.slice(r.at)
  if (rest.startsWith("'") || rest.startsWith('"')) return readString(r)
  if (rest.startsWith('(')) return readSequence(r, '(', ')', () => readValue(r))
  const word = /^(?:0|[1-9][0-9]*|True|False|None)(?![\w.])/.exec(rest)
  if (word === null) return r.fail('a string, a plain integer, True, False, None or a tuple')
  r.at += word[0].length
  if (word[0] === 'True' || word[0] === 'False') return word[0] === 'True'
  if (word[0] === 'None') return null
  const n = Number(word[0])
  return Number.isSafeInteger(n) ? n : r.fail('an integer below 2^53')
}

/** Parses `{'key': value, …}` followed only by spaces; a repeated key keeps its last value. */
export function parsePyDict(text: string): Map<string, PyValue> {
  const r = new Reader(text)
  const dict = new Map<string, PyValue>()
  readSequence(r, '{', '}', () => {
    r.skipSpace()
    if (r.text[r.at] !== "'" && r.text[r.at] !== '"') r.fail('a string key')
    const key = readString(r)
    r.expect(':')
    dict.set(key, readValue(r))
  })
  r.skipSpace()
  if (r.at !== text.length) r.fail('the end of the header')
  return dict
}
