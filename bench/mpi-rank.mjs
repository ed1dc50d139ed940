// One rank of `npm run bench -- --mpi` (run by bench/mpi.mjs under mpiexec): weak scaling, 2049 × 2049
// nodes per rank, `solve({ mpi: true })` on the native backend. Rank 0 prints one JSON line per repeat:
// the slowest rank's seconds and its halo-exchange seconds.
//   mpiexec -n R node bench/mpi-rank.mjs [--nodes 2049] [--steps 160] [--repeats 3] [--threads 1]
// --baseline R (under mpiexec -n 1): the same grid as R ranks, in one process without MPI on R threads,
// the fair yardstick on one host, where ranks share its memory bandwidth as threads do.
import * as mpi from '../crate/mpi/index.js'
import { solve } from '../dist/index.js'

function flag(name, fallback) {
  const at = process.argv.indexOf(`--${name}`)
  const value = at < 0 ? fallback : Number(process.argv[at + 1])
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`--${name} must be a positive integer, got ${value}`)
  return value
}

const [nodes, steps, repeats, threads] = [
  flag('nodes', 2049),
  flag('steps', 160),
  flag('repeats', 3),
  flag('threads', 1),
]
const { size } = mpi.init()
const baseline = process.argv.includes('--baseline') ? flag('baseline', 1) : 0
const options = {
  grid: { nx: nodes, ny: nodes * (baseline || size) },
  initial: (x, y) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
  steps,
  threads,
  backend: 'native',
  mpi: baseline === 0,
}
if (baseline > 0) options.threads = baseline

for (let r = 0; r < repeats; r++) {
  const result = await solve(options)
  if (baseline > 0) {
    console.log(JSON.stringify({ baseline, nodes, steps, threads: baseline, seconds: result.stats.seconds }))
    continue
  }
  const seconds = mpi.allreduce(result.stats.seconds, 'max')
  const exchangeSeconds = mpi.allreduce(result.mpi.exchangeSeconds, 'max')
  const { halo, exchanges } = result.mpi
  if (result.mpi.rank === 0)
    console.log(JSON.stringify({ ranks: size, nodes, steps, threads, halo, exchanges, seconds, exchangeSeconds }))
}
