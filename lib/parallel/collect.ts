/**
 * A pooled worker letting go of a finished gang's shared buffers. Dropping the references is not enough:
 * a SharedArrayBuffer's memory is freed only when every thread's heap has collected its handle to it,
 * and an idle worker allocates nothing, so its heap would never collect: each solve's fields would stay
 * in memory for as long as the worker waits. So a worker that dropped buffers asks its heap for a
 * collection: once it has been idle for kIdleMs (a loop of small solves pays nothing), or at once when
 * the buffers dropped since the last one add up to kCollectNowBytes (large fields go promptly).
 */
import vm from 'node:vm'

const kIdleMs = 50
const kCollectNowBytes = 64 * 2 ** 20

/** Bytes of shared buffers dropped since the last collection. */
let dropped = 0
let timer: ReturnType<typeof setTimeout> | undefined

/**
 * A full collection of this thread's heap, by the one public call that makes one: an eager memory
 * measurement, whose result is not needed. Its one-time "experimental" warning is not the user's concern.
 */
function collect(): void {
  dropped = 0
  timer = undefined
  const emitWarning = process.emitWarning
  process.emitWarning = () => {}
  try {
    vm.measureMemory({ mode: 'summary', execution: 'eager' }).catch(() => {})
  } catch {
    // Without vm.measureMemory the heap collects on its own schedule.
  } finally {
    process.emitWarning = emitWarning
  }
}

/** The worker dropped its references to `bytes` of shared buffers. */
export function releasedBuffers(bytes: number): void {
  dropped += bytes
  clearTimeout(timer)
  if (dropped >= kCollectNowBytes) collect()
  else timer = setTimeout(collect, kIdleMs)
}

/** The worker took a new band: no collection in the middle of its runs (the next drop re-arms it). */
export function busyAgain(): void {
  clearTimeout(timer)
  timer = undefined
}
