/**
 * The one shape every boundary kind takes in the kernels: how a ghost cell of the halo is computed.
 * `mirror`: ghost = a·u_inside + b·u_boundary + c, evaluated in that order (u_inside is the node one step
 * inside the side, u_boundary the node on it; when b = 0 the boundary term is left out and its node is not
 * read, so a ghost row then depends on one node row only); `wrap`: ghost = the node on the opposite side (a copy);
 * `none`: nothing reads this ghost. The same object crosses to the native kernel (NapiGhostRule).
 */
export interface GhostRule {
  readonly kind: 'none' | 'mirror' | 'wrap'
  readonly a: number
  readonly b: number
  readonly c: number
}

export const kNoGhost: GhostRule = Object.freeze({ kind: 'none', a: 0, b: 0, c: 0 })
export const kWrapGhost: GhostRule = Object.freeze({ kind: 'wrap', a: 0, b: 0, c: 0 })

/** ghost = a·u_inside + b·u_boundary + c. */
export const mirrorGhost = (a: number, b: number, c: number): GhostRule => Object.freeze({ kind: 'mirror', a, b, c })

/** A mirrored ghost value, a·inside + b·boundary + c in that order (the kernels use the same expression). */
export const mirrored = (rule: GhostRule, inside: number, boundary: number): number =>
  rule.b === 0 ? rule.a * inside + rule.c : rule.a * inside + rule.b * boundary + rule.c

/**
 * Per-cell ghost coefficients (a variable diffusivity, see model/faces.ts): ghost cell p takes b[p] and
 * c[p] in place of its rule's b and c, the arrays being laid out like the field (or the rows at hand).
 */
export interface GhostCells {
  readonly b: Float64Array
  readonly c: Float64Array
}

/** A mirrored ghost value with a cell's own b and c; the rule's b = 0 still means the boundary is not read. */
export const mirroredCell = (rule: GhostRule, b: number, c: number, inside: number, boundary: number): number =>
  rule.b === 0 ? rule.a * inside + c : rule.a * inside + b * boundary + c
