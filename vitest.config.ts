import { defineConfig } from 'vitest/config'

// Native addons misbehave in vitest's `threads` pool; `forks` (the default) runs each file in a child
// process, inside which the solver starts its own worker_threads.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['__test__/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
