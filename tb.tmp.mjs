import { solve } from 'calor'
const same = (a, b) => { const x = new BigUint64Array(a.buffer), y = new BigUint64Array(b.buffer); return x.every((v, k) => v === y[k]) }
const cases = [
  { boundary: { type: 'dirichlet', value: 0 } },
  { boundary: { left: { type: 'neumann', flux: 0.3 }, right: { type: 'dirichlet', value: 1 }, bottom: { type: 'neumann', flux: -0.2 }, top: { type: 'neumann', flux: 0.1 } }, source: (x, y) => x * y },
  { boundary: { left: { type: 'periodic' }, right: { type: 'periodic' }, bottom: { type: 'dirichlet', value: 2 }, top: { type: 'neumann' } } },
]
for (const c of cases) {
  const base = { grid: { nx: 37, ny: 61 }, initial: (x, y) => Math.exp(-30 * ((x - 0.3) ** 2 + (y - 0.6) ** 2)), steps: 53, ...c }
  const ref = await solve({ ...base, backend: 'js', threads: 1 })
  for (const threads of [1, 2, 3]) for (const temporalBlocking of [1, 2, 3, 5, 8]) {
    const r = await solve({ ...base, threads, temporalBlocking })
    if (!same(r.field, ref.field)) console.log('MISMATCH', JSON.stringify(c.boundary).slice(0, 40), threads, temporalBlocking)
  }
}
console.log('done')
