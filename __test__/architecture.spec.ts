/**
 * The layout keeps its shape: no import cycles in lib/ (type-only and dynamic imports included), no
 * file over 400 lines, no module cycles in the crate, and napi used only under crate/src/napi/.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(dir, f))
}

/** Finds one cycle in a graph of edges, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node]
    state.set(node, 'open')
    stack.push(node)
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next)
      if (cycle !== null) return cycle
    }
    stack.pop()
    state.set(node, 'done')
    return null
  }
  for (const node of graph.keys()) {
    const cycle = visit(node)
    if (cycle !== null) return cycle
  }
  return null
}

/** Relative imports of a TS file (static, type-only, re-exports and dynamic), as lib/ paths. */
function tsImports(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8')
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1])
  return specifiers
    .map((s) => path.join(path.dirname(file), s).replace(/\.js$/, '.ts'))
    .filter((target) => target.startsWith('lib'))
}

describe('lib/', () => {
  const files = filesUnder('lib', '.ts')

  it('has no import cycles, type-only imports included', () => {
    const graph = new Map(files.map((f) => [f, tsImports(f)]))
    expect(graph.size).toBeGreaterThan(30)
    expect(findCycle(graph)).toBeNull()
  })

  it.each(files)('%s has at most 400 lines', (file) => {
    expect(readFileSync(path.join(root, file), 'utf8').split('\n').length).toBeLessThanOrEqual(401)
  })

  it('finds a cycle when there is one (the check is not vacuous)', () => {
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a'])
  })
})

describe('crate/src/', () => {
  const files = filesUnder('crate/src', '.rs')
  /** The top-level module a file belongs to (lib.rs is the root). */
  const moduleOf = (file: string) => path.relative('crate/src', file).split(path.sep)[0].replace(/\.rs$/, '')

  it('has no cycles between top-level modules', () => {
    const graph = new Map<string, string[]>()
    for (const file of files) {
      const text = readFileSync(path.join(root, file), 'utf8')
      const used = [...text.matchAll(/crate::([a-z_]+)/g)].map((m) => m[1]).filter((m) => m !== moduleOf(file))
      graph.set(moduleOf(file), [...(graph.get(moduleOf(file)) ?? []), ...used])
    }
    expect(graph.size).toBeGreaterThan(5)
    expect(findCycle(graph)).toBeNull()
  })

  it.each(files)('%s uses napi only under crate/src/napi/', (file) => {
    const usesNapi = /\bnapi(_derive)?::|#\[napi/.test(readFileSync(path.join(root, file), 'utf8'))
    expect(usesNapi && !file.startsWith(path.join('crate', 'src', 'napi'))).toBe(false)
  })
})
