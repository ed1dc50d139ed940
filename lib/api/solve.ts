/** `solve()`: one run from options to result, composing validation, checkpoints, trackers and the Solver. */
import { fail } from '../options/check.js'
import { validateOptions } from '../options/validate.js'
import { solveMpi } from '../parallel/mpi.js'
import { planRun } from '../trackers/checkpoint.js'
import { asOptionsErrors } from './errors.js'
import { Solver } from './solver.js'
import type { MpiSolveOptions, MpiSolveResult, SolveOptions, SolveResult } from './types.js'

/** `options.mpi`, or undefined when it cannot be read (validation then names what is wrong). */
function mpiOf(options: unknown): unknown {
  try {
    return typeof options === 'object' && options !== null ? (options as { mpi?: unknown }).mpi : undefined
  } catch {
    return undefined
  }
}

/**
 * Solves the heat equation ∂u/∂t = ∇·(α∇u) + f from `initial` for `steps` steps or up to `tEnd`. With
 * `mpi: true`, under `mpiexec`, the ranks share the grid and rank 0 gets the whole field (docs/mpi.md).
 */
export function solve(options: MpiSolveOptions): Promise<MpiSolveResult>
export function solve(options: SolveOptions): Promise<SolveResult>
export async function solve(options: SolveOptions | MpiSolveOptions): Promise<SolveResult | MpiSolveResult> {
  const mpi = mpiOf(options)
  if (mpi === true) return solveMpi(options as MpiSolveOptions)
  if (mpi !== undefined && mpi !== false) asOptionsErrors(() => fail('options.mpi', 'true or false', mpi))
  if (mpi === false) {
    const { mpi: _off, ...rest } = options as MpiSolveOptions
    return runSolve(rest, false, true)
  }
  return runSolve(options, false, true)
}

/**
 * @internal `solve()`, optionally with a one-thread run in the calling thread (`inThread`), which only a
 * worker may ask for: a sweep's pool worker runs its jobs so, without nested workers. `warm`: the workers
 * come from the warm pool and go back to it (parallel/pool.ts), as solve()'s do.
 */
export async function runSolve(options: SolveOptions, inThread: boolean, warm = false): Promise<SolveResult> {
  const problem = validateOptions(options, true)
  const plan = await planRun(problem)
  const solver = await Solver.fromProblem(plan.problem, plan.trackers, plan.start, inThread, warm)
  let run
  try {
    run = await solver.advance(
      problem.until === undefined
        ? plan.advance
        : { until: { steady: problem.until.tolerance, maxSteps: problem.until.maxSteps } },
    )
  } finally {
    await solver.close()
  }
  const { nx, ny } = problem.grid
  const { t, steps } = plan.result ?? run
  const probes = solver.probes()
  // The field is read out of the spent solver's buffer in place: no nx·ny copy beside the two fields.
  const result = { field: solver.releaseField(), nx, ny, t, steps, dt: run.dt, stats: run.stats }
  const residual = run.residual === undefined ? {} : { residual: run.residual }
  return probes === undefined ? { ...result, ...residual } : { ...result, ...residual, probes }
}
