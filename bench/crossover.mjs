/**
 * `npm run bench -- --crossover`: where 2 threads start to beat 1 for the native kernel (issue 17, item 2).
 * Small grids, 1 and 2 threads interleaved run by run (matrix.mjs's runGroup), and the ratio of their
 * medians per size. The default thread count (lib/parallel/threads.ts) is chosen from this table.
 */
import { kCrossoverSizes } from './args.mjs'
import { runGroup } from './matrix.mjs'

/** Per size: the 1- and 2-thread medians (MLUP/s) and 2 ÷ 1. */
export async function measureCrossover(config, log) {
  const sizes = config.sizesGiven ? config.sizes : kCrossoverSizes
  const rows = []
  for (const nodes of sizes) {
    const cells = [1, 2].map((threads) => ({ nodes, threads, backend: 'native' }))
    const [one, two] = await runGroup(cells, config)
    const row = { nodes, one: one.mlups, two: two.mlups, ratio: two.mlups.median / one.mlups.median }
    log(
      `  ${nodes}²: 1 thread ${one.mlups.median.toFixed(0)}, 2 threads ${two.mlups.median.toFixed(0)} MLUP/s: ${row.ratio.toFixed(2)}×`,
    )
    rows.push(row)
  }
  return rows
}
