/** Which backend run loop a worker's schedule needs; shared by the worker entry and the in-thread gang. */
import type { StepSpec } from '../steppers/schedule.js'
import type { Runner, WorkerInit } from './protocol.js'

/**
 * The backend's run loop for the worker's schedule, loaded only where it is used: a schedule with column
 * blocks is ADI's (line solves), one with blocks of rows for z-lines Douglas–Gunn's (3D), any other an explicit
 * stencil's.
 */
export async function runnerFor(init: WorkerInit): Promise<Runner<StepSpec>> {
  const lines = init.schedule.columns !== undefined
  if (init.schedule.zRows !== undefined) {
    return init.backend === 'js'
      ? (await import('../backends/js-dg-run.js')).jsPlaneLinesRunner
      : (await import('../backends/native-dg.js')).nativePlaneLinesRunner
  }
  if (init.backend === 'js') {
    return lines
      ? (await import('../backends/js-adi.js')).jsAdiRunner
      : ((await import('../backends/js.js')).jsRunner as Runner<StepSpec>)
  }
  if (lines) return (await import('../backends/native-adi.js')).nativeAdiRunner
  return (await import('../backends/native.js')).nativeRunner as Runner<StepSpec>
}
