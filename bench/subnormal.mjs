/**
 * The cost of subnormal arithmetic, and of flushSubnormals: MLUP/s of one grid on each backend for a
 * normal field, a field in the subnormal range (insulated, of order 1e-310, so nearly every update is
 * subnormal), and both again with flushSubnormals: true.
 */
import { Solver } from 'calor'

/** A smooth field of order `scale`: 1, or 1e-310 (subnormal, and slow to decay, being insulated). */
const field = (scale) => (x, y) => scale * (1.5 + Math.sin(7 * x) * Math.cos(5 * y))
const kCases = [
  { name: 'normal', initial: field(1), flushSubnormals: false },
  { name: 'subnormal', initial: field(1e-310), flushSubnormals: false },
  { name: 'normal, flushed', initial: field(1), flushSubnormals: true },
  { name: 'subnormal, flushed', initial: field(1e-310), flushSubnormals: true },
]

/** Best MLUP/s of `repeats` runs of about `seconds` each. */
async function speed(options, seconds, repeats) {
  const solver = await Solver.create(options)
  try {
    let steps = 1
    let best = 0
    for (let r = 0; r < repeats + 1;) {
      const { stats } = await solver.advance({ steps })
      if (stats.seconds < seconds / 4) steps *= 4
      else {
        if (r > 0) best = Math.max(best, stats.updatesPerSecond / 1e6)
        r++
      }
    }
    return best
  } finally {
    await solver.close()
  }
}

/** { backend, case, mlups } for each backend and case at nodes², with `threads` workers. */
export async function measureSubnormals(nodes, backends, threads, { seconds = 0.3, repeats = 3 } = {}) {
  const results = []
  for (const backend of backends) {
    for (const c of kCases) {
      const options = { grid: { nx: nodes, ny: nodes }, boundary: { type: 'neumann' }, backend, threads, ...c }
      delete options.name
      results.push({ nodes, backend, threads, case: c.name, mlups: await speed(options, seconds, repeats) })
    }
  }
  return results
}
