// Long runs report progress and can be cancelled with an AbortSignal.
// Run: node examples/cancel.mjs
import { AbortError, solve } from 'calor'

const controller = new AbortController()
setTimeout(() => controller.abort(new Error('took too long')), 500)

try {
  await solve({
    grid: { nx: 1025, ny: 1025 },
    initial: (x, y) => (Math.hypot(x - 0.5, y - 0.5) < 0.1 ? 1 : 0),
    steps: 1_000_000,
    signal: controller.signal,
    onProgress: ({ step, steps, seconds }) => console.log(`step ${step}/${steps} after ${seconds.toFixed(2)} s`),
  })
} catch (error) {
  if (!(error instanceof AbortError)) throw error
  console.log(`stopped: ${error.message} (${error.cause.message})`)
}
