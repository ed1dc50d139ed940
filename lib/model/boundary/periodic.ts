/** Periodic: the axis wraps (node n−1 is followed by node 0, spacing l/n); the ghost copies the opposite node. */
import type { BoundaryKind } from './kind.js'
import { kWrapGhost } from './rule.js'

export const periodic: BoundaryKind = {
  type: 'periodic',
  keys: ['type'],
  parse: () => Object.freeze({ kind: 'periodic', value: 0, fixed: false, wraps: true, ghost: () => kWrapGhost }),
}
