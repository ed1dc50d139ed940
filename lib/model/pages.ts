/**
 * Huge pages for large shared buffers. A field of a large grid is hundreds of MB of fresh memory; on
 * 4 KiB pages its first write takes a page fault every 4 KiB, and every sweep misses the TLB along
 * each row. Linux backs memory with 2 MiB transparent huge pages where a program asks for them, which
 * under its default `madvise` policy is the only way it does. The native addon's `adviseHugePages`
 * asks (madvise(MADV_HUGEPAGE) over the buffer's whole 2 MiB pages); it must be called before the
 * buffer's first write, and changes how pages are backed, never a value.
 *
 * The addon is loaded here lazily, synchronously, on the first large buffer only, and any failure to
 * load it is silent: the advice (and the prefault below) is a hint, and backend 'js' runs without the
 * addon. This is the one place besides backends/native.ts that loads it (allocation is synchronous
 * there, and native.ts loads with a top-level await); both get the same module instance. `CALOR_HUGE_PAGES=0` in the
 * environment turns the advice off (read at each buffer, so a benchmark can compare).
 */
import { createRequire } from 'node:module'
import os from 'node:os'

import type * as Addon from '../../crate/index.js'

/** Buffers smaller than this are left alone: they hold few huge pages, and most of them are touched soon anyway. */
export const kHugePageMinBytes = 8 * 1024 * 1024

/** The addon, null when it does not load; undefined until the first large buffer. */
let addon: typeof Addon | null | undefined

function loadAddon(): typeof Addon | null {
  try {
    return createRequire(import.meta.url)('../../crate/index.js') as typeof Addon
  } catch {
    return null
  }
}

/**
 * Asks for huge pages under `buffer` if it is large (≥ kHugePageMinBytes), the addon loads and the
 * advice is not turned off; true if the kernel took it. Call it right after allocating, before the
 * first write. Never throws.
 */
export function adviseHugePages(buffer: Float64Array): boolean {
  if (buffer.byteLength < kHugePageMinBytes || process.env.CALOR_HUGE_PAGES === '0') return false
  addon ??= loadAddon()
  try {
    return typeof addon?.adviseHugePages === 'function' ? addon.adviseHugePages(buffer) : false
  } catch {
    return false
  }
}

/**
 * Runs `fill`, which writes every page of a fresh large `buffer` on this thread (the main thread
 * evaluating a user's function or copying a user's array into a field), while a thread of the addon
 * faults the buffer's pages in ahead of it (`prefaultInBackground`, MADV_POPULATE_WRITE): the kernel's
 * zeroing of new pages goes to another core, and no value changes. The thread is joined before this
 * returns or throws. Small buffers, a machine with one core, no addon, or `CALOR_PREFAULT=0` in the
 * environment: `fill()` alone.
 */
export function fillPrefaulted<T>(buffer: Float64Array, fill: () => T): T {
  if (buffer.byteLength < kHugePageMinBytes || process.env.CALOR_PREFAULT === '0' || os.availableParallelism() < 2)
    return fill()
  addon ??= loadAddon()
  let prefault: Addon.Prefault | null = null
  try {
    prefault = typeof addon?.prefaultInBackground === 'function' ? addon.prefaultInBackground(buffer) : null
  } catch {
    prefault = null
  }
  try {
    return fill()
  } finally {
    prefault?.join()
  }
}
