/**
 * A field that becomes non-finite (overflow to ±Infinity, or NaN) must end the run with an error
 * naming the step and the first bad node, not return garbage.
 *
 * EXPECTED TO FAIL until the worker loop detects non-finite values: `it.fails` keeps the suite green
 * meanwhile and turns red the day detection lands, as a reminder to change `it.fails` to `it`.
 */
import { describe, expect, it } from 'vitest'

import { solve } from 'calor'

describe.each(['native', 'js'] as const)('a field that overflows (%s backend)', (backend) => {
  it.fails('rejects with the step and the first non-finite node', async () => {
    const [nx, ny] = [17, 17]
    // α = 1e-4 on a unit square allows dt ≈ 8.8, so dt·f overflows to Infinity at node (5, 3) in step 1.
    const source = new Float64Array(nx * ny)
    source[3 * nx + 5] = Number.MAX_VALUE
    const run = solve({ grid: { nx, ny }, diffusivity: 1e-4, source, steps: 1, threads: 2, backend })
    const error = await run.then(
      (result) => expect.fail(`it resolved; field[3·nx + 5] = ${result.field[3 * nx + 5]}`),
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/\bstep 1\b/)
    expect((error as Error).message).toContain('node (5, 3)')
  })
})
