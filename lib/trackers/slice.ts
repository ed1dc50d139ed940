/**
 * The plane of a 3D field that a frame draws (options/frames.ts's SliceConfig), read in place from the
 * solver's padded field through Snapshot.value: only the slice's nodes are copied, never the whole block.
 * Rows run upward: a z slice is (i across, j up), a y slice (i across, k up), an x slice (j across, k up).
 */
import type { Grid } from '../model/grid.js'
import { type SliceConfig, sliceShape } from '../options/frames.js'

/** The slice's values, row-major (width across, height rows), and its shape. */
export function sliceValues(
  grid: Grid,
  slice: SliceConfig,
  value: (i: number, j: number, k: number) => number,
): { values: Float64Array; width: number; height: number } {
  const { width, height } = sliceShape(grid, slice)
  const values = new Float64Array(width * height)
  const at =
    slice.axis === 'z'
      ? (a: number, b: number) => value(a, b, slice.index)
      : slice.axis === 'y'
        ? (a: number, b: number) => value(a, slice.index, b)
        : (a: number, b: number) => value(slice.index, a, b)
  for (let b = 0; b < height; b++) for (let a = 0; a < width; a++) values[b * width + a] = at(a, b)
  return { values, width, height }
}

/** The axes a slice's image shows, for the manifest. */
export function sliceAxes(slice: SliceConfig): { across: string; up: string } {
  return slice.axis === 'z'
    ? { across: 'x', up: 'y' }
    : slice.axis === 'y'
      ? { across: 'x', up: 'z' }
      : { across: 'y', up: 'z' }
}
