/**
 * Huge pages for large shared buffers. A field of a large grid is hundreds of MB of fresh memory; on
 * 4 KiB pages its first write takes a page fault every 4 KiB, and every sweep misses the TLB along
 * each row. Linux backs memory with 2 MiB transparent huge pages where a program asks for them, which
 * under its default `madvise` policy is the only way it does. The native addon's `adviseHugePages`
 * asks (madvise(MADV_HUGEPAGE) over the buffer's whole 2 MiB pages); it must be called before the
 * buffer's first write, and changes how pages are backed, never a value.
 *
 * The addon is loaded here lazily, synchronously, on the first large buffer only, and any failure to
 * load it is silent: the advice is a hint, and backend 'js' runs without the addon. This is the one
 * place besides backends/native.ts that loads it (allocation is synchronous there, and native.ts
 * loads with a top-level await); both get the same module instance. `CALOR_HUGE_PAGES=0` in the
 * environment turns the advice off (read at each buffer, so a benchmark can compare).
 */
import { createRequire } from 'node:module'

import type * as Addon from '../../crate/index.js'

/** Buffers smaller than this are left alone: they hold few huge pages, and most of them are touched soon anyway. */
export const kHugePageMinBytes = 8 * 1024 * 1024

type Advise = (buffer: Float64Array) => boolean

/** The addon's advice, null when the addon does not load; undefined until the first large buffer. */
let advise: Advise | null | undefined

function loadAdvice(): Advise | null {
  try {
    const addon = createRequire(import.meta.url)('../../crate/index.js') as typeof Addon
    return typeof addon.adviseHugePages === 'function' ? addon.adviseHugePages : null
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
  advise ??= loadAdvice()
  try {
    return advise?.(buffer) ?? false
  } catch {
    return false
  }
}
