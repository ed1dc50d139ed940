/** The argument of Solver.set(): which options may change between advances. */
import type { SolverChanges } from './types.js'

/** The keys Solver.set() takes. */
export function checkChanges(changes: SolverChanges): SolverChanges {
  if (typeof changes !== 'object' || changes === null) {
    throw new TypeError(`Solver.set() takes an object { boundary?, source? }, got ${String(changes)}`)
  }
  const unknown = Object.keys(changes).find((k) => k !== 'boundary' && k !== 'source')
  if (unknown !== undefined)
    throw new TypeError(`Unknown option changes.${unknown} of Solver.set(); expected boundary, source`)
  return changes
}
