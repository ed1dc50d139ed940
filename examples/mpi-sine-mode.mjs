// The sine mode of examples/sine-mode.mjs, split over MPI ranks: the same bits as one process.
// Run: npm run setup:mpi (once), then mpiexec -n 2 node examples/mpi-sine-mode.mjs
import { solve } from 'calor'

const n = 129
const result = await solve({
  grid: { nx: n, ny: n },
  diffusivity: 0.5,
  initial: (x, y) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
  boundary: { type: 'dirichlet', value: 0 },
  tEnd: 0.1,
  threads: 1,
  mpi: true,
})

const { rank, ranks, firstRow, rows, exchangeSeconds } = result.mpi
console.log(
  `rank ${rank}/${ranks}: rows ${firstRow}…${firstRow + rows - 1}, ${(exchangeSeconds * 1e3).toFixed(1)} ms in halo exchanges`,
)
if (result.field !== null) {
  const centre = result.field[((n - 1) / 2) * n + (n - 1) / 2]
  const exact = Math.exp(-2 * Math.PI ** 2 * 0.5 * result.t)
  console.log(
    `t = ${result.t} after ${result.steps} steps: u(0.5, 0.5) = ${centre.toFixed(8)}, exact ${exact.toFixed(8)}`,
  )
}
