/** What a worker (or the in-thread gang) does with its band before the first run. */
import { fillConstantUnits } from '../model/constant.js'
import { faceViews } from '../model/faces.js'
import { fillGhostUnits } from '../model/field.js'
import type { WorkerInit } from './protocol.js'

/**
 * Prepares the worker's own rows of both fields, in parallel with its peers: a constant initial field's
 * units first (WorkerInit.fill), then the copy of its rows (WorkerInit.copyRows) from the first field
 * into the second.
 */
export function prepareOwnRows(init: WorkerInit): void {
  fillOwnUnits(init)
  const [first, end] = init.copyRows.map((r) => r * init.stride)
  const [a, b] = init.fields.map((f) => new Float64Array(f))
  b.set(a.subarray(first, end), first)
}

/**
 * Writes a constant initial field into the band's units of the first field and refreshes the ghost rows
 * the worker owns, in both fields (the main thread copied them into the second before they were filled).
 */
function fillOwnUnits(init: WorkerInit): void {
  if (init.fill === null) return
  const [a, b] = init.fields.map((f) => new Float64Array(f))
  const cells = init.faces === null ? undefined : faceViews(new Float64Array(init.faces), a.length).cells
  fillConstantUnits(init.fill, a, init.band.start + 1, init.band.end + 1, cells)
  fillGhostUnits(init.fill.grid, a, init.ghostRows, cells)
  for (const { target } of init.ghostRows) {
    const at = target * init.stride
    b.set(a.subarray(at, at + init.stride), at)
  }
}
