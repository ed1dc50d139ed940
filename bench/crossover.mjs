/**
 * `npm run bench -- --crossover`: where 2 threads start to beat 1 for the native kernel (issue 17, item 2).
 * Small grids, 1 and 2 threads interleaved run by run (matrix.mjs's runGroup), and the ratio of their
 * medians per size. The default thread count (lib/parallel/threads.ts) is chosen from this table.
 *
 * Beside them, the machine's own ceiling: two independent 1-thread solvers of the same grid advanced at
 * once (no barrier, no shared rows, each its own worker), their updates added up. Their rate ÷ one
 * alone is what a second core gives this grid on this host right now; 2 threads ÷ that rate is the
 * share of it that one solver on 2 threads keeps, whatever the host's own noise.
 */
import { kCrossoverSizes } from './args.mjs'
import { runGroup } from './matrix.mjs'

/** Per size: the 1- and 2-thread medians (MLUP/s), 2 ÷ 1, and the independent pair with its ratios. */
export async function measureCrossover(config, log) {
  const sizes = config.sizesGiven ? config.sizes : kCrossoverSizes
  const rows = []
  for (const nodes of sizes) {
    const cells = [1, 2].map((threads) => ({ nodes, threads, backend: 'native' }))
    const [one, two, pair] = await runGroup([...cells, { nodes, threads: 1, backend: 'native', copies: 2 }], config)
    const ratio = two.mlups.median / one.mlups.median
    const ceiling = pair.mlups.median / one.mlups.median
    const row = { nodes, one: one.mlups, two: two.mlups, ratio, pair: pair.mlups, ceiling, kept: ratio / ceiling }
    log(
      `  ${nodes}²: 1 thread ${one.mlups.median.toFixed(0)}, 2 threads ${two.mlups.median.toFixed(0)} MLUP/s: ${ratio.toFixed(2)}×; ` +
        `2 independent 1-thread solvers at once ${pair.mlups.median.toFixed(0)}: ${ceiling.toFixed(2)}×`,
    )
    rows.push(row)
  }
  return rows
}
