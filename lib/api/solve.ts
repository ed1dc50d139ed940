/** `solve()`: one run from options to result, composing validation, checkpoints, trackers and the Solver. */
import { validateOptions } from '../options/validate.js'
import { planRun } from '../trackers/checkpoint.js'
import { Solver } from './solver.js'
import type { SolveOptions, SolveResult } from './types.js'

/** Solves the heat equation ∂u/∂t = ∇·(α∇u) + f from `initial` for `steps` steps or up to `tEnd`. */
export async function solve(options: SolveOptions): Promise<SolveResult> {
  const problem = validateOptions(options, true)
  const plan = await planRun(problem)
  const solver = await Solver.fromProblem(plan.problem, plan.trackers, plan.start)
  try {
    const run = await solver.advance(
      problem.until === undefined
        ? plan.advance
        : { until: { steady: problem.until.tolerance, maxSteps: problem.until.maxSteps } },
    )
    const { nx, ny } = problem.grid
    const { t, steps } = plan.result ?? run
    const residual = run.residual === undefined ? {} : { residual: run.residual }
    return { field: solver.field(), nx, ny, t, steps, dt: run.dt, stats: run.stats, ...residual }
  } finally {
    await solver.close()
  }
}
