/** What a worker (or the in-thread gang) does with its band before the first run. */
import type { WorkerInit } from './protocol.js'

/** Copies the worker's own rows (WorkerInit.copyRows) of the first field into the second, in parallel with its peers. */
export function copyOwnRows(init: WorkerInit): void {
  const [first, end] = init.copyRows.map((r) => r * init.stride)
  new Float64Array(init.fields[1]).set(
    new Float64Array(init.fields[0], first * Float64Array.BYTES_PER_ELEMENT, end - first),
    first,
  )
}
