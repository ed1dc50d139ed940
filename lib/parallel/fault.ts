/**
 * Test-only fault injection for the workers. Set the environment variable before the solver starts
 * its workers (they inherit the environment):
 *
 *     CALOR_FAULT="worker=2,step=5,kind=throw"
 *
 * makes `calor-worker-2` fail just before it takes the step that follows `step` completed steps of a
 * run request (for `solve()` without `onProgress` or observers, one request covers the whole run). Kinds:
 * - `throw`: the step throws an Error (the worker reports it and stays up);
 * - `exit`: the worker calls process.exit(7), which ends only that thread;
 * - `uncaught`: an exception is thrown from a timer, outside the step loop: the worker dies with an
 *   'error' event once it returns to its event loop;
 * - `hang`: the worker spins forever and never reaches the barrier (only abort or close ends the run).
 * Unset, `injectFault` returns at once.
 */

type FaultKind = 'throw' | 'exit' | 'uncaught' | 'hang'

interface Fault {
  readonly worker: string
  readonly step: number
  readonly kind: FaultKind
}

const kKinds: readonly FaultKind[] = ['throw', 'exit', 'uncaught', 'hang']

/** Parses CALOR_FAULT; a malformed value throws, so that a typo in a test cannot pass silently. */
export function parseFault(text: string | undefined): Fault | null {
  if (text === undefined || text === '') return null
  const fields = new Map(text.split(',').map((pair) => pair.split('=', 2) as [string, string]))
  const worker = Number(fields.get('worker'))
  const step = Number(fields.get('step') ?? '0')
  const kind = (fields.get('kind') ?? 'throw') as FaultKind
  if (!Number.isInteger(worker) || !Number.isInteger(step) || !kKinds.includes(kind)) {
    throw new TypeError(`CALOR_FAULT must look like "worker=2,step=5,kind=${kKinds.join('|')}", got ${text}`)
  }
  return { worker: `calor-worker-${worker}`, step, kind }
}

const fault = parseFault(process.env.CALOR_FAULT)

/** The step of a run request at which a fault is planned for worker `name`, or null. */
export function plannedFault(name: string): number | null {
  return fault !== null && fault.worker === name ? fault.step : null
}

/** Called by a worker before the step that follows `step` completed steps of a run request. */
export function injectFault(name: string, step: number): void {
  if (fault === null || fault.worker !== name || fault.step !== step) return
  const message = `injected fault (${fault.kind}) in ${name} at step ${step}`
  switch (fault.kind) {
    case 'throw':
      throw new Error(message)
    case 'exit':
      return process.exit(7)
    case 'uncaught':
      setTimeout(() => {
        throw new Error(message)
      })
      return
    case 'hang':
      for (;;);
  }
}
