/** A contiguous band of node rows [start, end) owned by one worker. */
export interface Band {
  readonly start: number
  readonly end: number
}

/**
 * Splits the rows [first, last] into `parts` contiguous bands whose sizes differ by at most one
 * (the first `rows mod parts` bands get the extra row). `parts` must not exceed the row count.
 */
export function partitionRows(first: number, last: number, parts: number): Band[] {
  const rows = last - first + 1
  if (!Number.isInteger(parts) || parts < 1 || parts > rows) {
    throw new RangeError(`cannot split ${rows} rows into ${parts} bands`)
  }
  const base = Math.floor(rows / parts)
  const extra = rows % parts
  const bands: Band[] = []
  let start = first
  for (let p = 0; p < parts; p++) {
    const end = start + base + (p < extra ? 1 : 0)
    bands.push(Object.freeze({ start, end }))
    start = end
  }
  return bands
}
