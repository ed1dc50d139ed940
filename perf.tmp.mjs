import { Solver } from 'calor'
const [n, steps, threads, backend, tb] = [+process.argv[2], +process.argv[3], +process.argv[4], process.argv[5] ?? 'native', process.argv[6] ?? 'auto']
const s = await Solver.create({ grid: { nx: n, ny: n }, initial: (x, y) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y), threads, backend, temporalBlocking: tb === 'auto' ? 'auto' : +tb })
await s.advance({ steps: Math.ceil(steps / 4) })
const r = await s.advance({ steps })
console.log(n, steps, threads, backend, tb, (r.stats.updatesPerSecond / 1e6).toFixed(0), 'MLUP/s')
await s.close()
