/**
 * Dirichlet: the side's nodes hold `value` (default 0), a number or a function (x, y, t); they are never
 * updated by the stencil (a constant value sits in both buffers; a varying one is written before each
 * step, so that the state at t_{n+1} holds value(t_{n+1})).
 */
import { datumAt, datumText, kFinite, parseDatum } from './data.js'
import type { BoundaryKind } from './kind.js'
import { kNoGhost } from './rule.js'

export const dirichlet: BoundaryKind = {
  type: 'dirichlet',
  keys: ['type', 'value'],
  parse(name, spec) {
    const what = `${name}.value`
    const value = parseDatum(what, spec.value, 0)
    const varying = typeof value === 'function'
    return Object.freeze({
      kind: 'dirichlet',
      value: varying ? 0 : value,
      varying,
      // A checkpoint compares `value`; a function is told apart by its code.
      ...(varying ? { spec: `value ${datumText(value)}` } : {}),
      fixed: true,
      wraps: false,
      ghost: () => kNoGhost,
      valueAt: (x: number, y: number, t: number, z?: number) => datumAt(what, value, x, y, t, kFinite, z),
    })
  },
}
