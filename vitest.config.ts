import type { Reporter, TestModule } from 'vitest/node'
import { defineConfig } from 'vitest/config'

/** Ends the output with one plain line, `tests: N passed, N failed[, N skipped]`, that any CI can read. */
const summaryLine: Reporter = {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const counts = { passed: 0, failed: 0, skipped: 0 }
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed' || state === 'failed' || state === 'skipped') counts[state]++
      }
    }
    const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : ''
    process.stdout.write(`\ntests: ${counts.passed} passed, ${counts.failed} failed${skipped}\n`)
  },
}

// Native addons misbehave in vitest's `threads` pool; `forks` (the default) runs each file in a child
// process, inside which the solver starts its own worker_threads.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['__test__/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', summaryLine],
  },
})
