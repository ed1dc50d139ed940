/** Dirichlet: the side's nodes hold `value` (default 0) in both buffers and are never updated. */
import { finiteNumber } from '../../options/check.js'
import type { BoundaryKind } from './kind.js'
import { kNoGhost } from './rule.js'

export const dirichlet: BoundaryKind = {
  type: 'dirichlet',
  keys: ['type', 'value'],
  parse(name, spec) {
    const value = spec.value === undefined ? 0 : finiteNumber(`${name}.value`, spec.value)
    return Object.freeze({ kind: 'dirichlet', value, fixed: true, wraps: false, ghost: () => kNoGhost })
  },
}
