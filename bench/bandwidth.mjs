/**
 * The machine's memory bandwidth, from the addon's STREAM-like probe (crate/src/stream.rs), and the
 * memory-bound ceiling it puts on the stencil: a plain float64 sweep moves about 24 bytes per update
 * (one read, one write, one write-allocate), so at most bandwidth / 24 B updates per second.
 */

/** Bytes one stencil update moves through memory when the grid does not fit in cache. */
export const kBytesPerUpdate = 24

/** The addon's probe, or null with a reason if the addon cannot be loaded. */
async function loadProbe() {
  try {
    const { memoryBandwidth } = await import('../crate/index.js')
    return typeof memoryBandwidth === 'function'
      ? { probe: memoryBandwidth }
      : { reason: 'addon lacks memoryBandwidth' }
  } catch (error) {
    return { reason: `native addon not loadable: ${error.message}` }
  }
}

/**
 * Measures copy and triad bandwidth on each thread count (GB/s, write-allocate counted), and derives
 * the memory-bound MLUP/s ceiling from the copy rate. Returns { measured, reason?, megabytes, probes }.
 */
export async function measureBandwidth(threadCounts, megabytes, repeats) {
  if (megabytes === 0) return { measured: false, reason: 'skipped with --bandwidth-mb 0', probes: [] }
  const { probe, reason } = await loadProbe()
  if (probe === undefined) return { measured: false, reason, probes: [] }
  const probes = threadCounts.map((threads) => {
    const { copy, triad } = probe(megabytes, repeats, threads)
    return { threads, copyGBs: copy, triadGBs: triad, ceilingMlups: (copy * 1e9) / kBytesPerUpdate / 1e6 }
  })
  return {
    measured: true,
    megabytes,
    repeats,
    convention: 'best of repeats; bytes include write-allocate: copy 24 B/element, triad 32 B/element',
    probes,
  }
}

/** The probe on `threads` threads, if measured. */
export function probeFor(bandwidth, threads) {
  return bandwidth.probes.find((p) => p.threads === threads) ?? null
}
