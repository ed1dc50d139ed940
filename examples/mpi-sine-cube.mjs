// The 3D sine mode, split over MPI ranks as slabs of z planes: the same bits as one process.
// Run: npm run setup:mpi (once), then mpiexec -n 2 node examples/mpi-sine-cube.mjs
import { solve } from 'calor'

const n = 33
const result = await solve({
  grid: { nx: n, ny: n, nz: n, lx: 1, ly: 1, lz: 1 },
  diffusivity: 0.5,
  initial: (x, y, z) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y) * Math.sin(Math.PI * z),
  boundary: { type: 'dirichlet', value: 0 },
  tEnd: 0.05,
  threads: 1,
  mpi: true,
})

const { rank, ranks, firstPlane, planes, exchangeSeconds } = result.mpi
console.log(
  `rank ${rank}/${ranks}: planes ${firstPlane}…${firstPlane + planes - 1}, ${(exchangeSeconds * 1e3).toFixed(1)} ms in halo exchanges`,
)
if (result.field !== null) {
  const c = (n - 1) / 2
  const centre = result.field[(c * n + c) * n + c]
  const exact = Math.exp(-3 * Math.PI ** 2 * 0.5 * result.t)
  console.log(
    `t = ${result.t} after ${result.steps} steps: u(0.5, 0.5, 0.5) = ${centre.toFixed(8)}, exact ${exact.toFixed(8)}`,
  )
}
