/** `solve()`: one run from options to result, composing validation, checkpoints, trackers and the Solver. */
import { validateOptions } from '../options/validate.js'
import { planRun } from '../trackers/checkpoint.js'
import { Solver } from './solver.js'
import type { SolveOptions, SolveResult } from './types.js'

/** Solves the heat equation ∂u/∂t = ∇·(α∇u) + f from `initial` for `steps` steps or up to `tEnd`. */
export function solve(options: SolveOptions): Promise<SolveResult> {
  return runSolve(options, false)
}

/**
 * @internal `solve()`, optionally with a one-thread run in the calling thread (`inThread`), which only a
 * worker may ask for: a sweep's pool worker runs its jobs so, without nested workers.
 */
export async function runSolve(options: SolveOptions, inThread: boolean): Promise<SolveResult> {
  const problem = validateOptions(options, true)
  const plan = await planRun(problem)
  const solver = await Solver.fromProblem(plan.problem, plan.trackers, plan.start, inThread)
  let run
  try {
    run = await solver.advance(plan.advance)
  } finally {
    await solver.close()
  }
  const { nx, ny } = problem.grid
  const { t, steps } = plan.result ?? run
  const probes = solver.probes()
  // The field is read out of the spent solver's buffer in place: no nx·ny copy beside the two fields.
  const result = { field: solver.releaseField(), nx, ny, t, steps, dt: run.dt, stats: run.stats }
  return probes === undefined ? result : { ...result, probes }
}
