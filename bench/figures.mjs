/**
 * Derived figures per cell, from the medians: speed-up over js on 1 thread, parallel efficiency,
 * effective memory traffic, share of the bandwidth ceiling, the ratio to the C reference and (js on one
 * thread) to the best plain JS loop of the same formula.
 * A figure whose baseline was not measured is null.
 */
import { kBytesPerUpdate, probeFor } from './bandwidth.mjs'

function find(cells, nodes, backend, threads) {
  return cells.find((c) => c.nodes === nodes && c.backend === backend && c.threads === threads) ?? null
}

const ratio = (a, b) => (a === undefined || b === undefined || b === null || !(b > 0) ? null : a / b)

/** The figures of one cell, given all cells of the run and the bandwidth probes. */
function figuresOf(cell, cells, bandwidth) {
  const median = cell.mlups.median
  const js1 = find(cells, cell.nodes, 'js', 1)
  const own1 = find(cells, cell.nodes, cell.backend, 1)
  const probe = cell.backend === 'native' ? probeFor(bandwidth, cell.threads) : null
  return {
    speedupVsJs1: ratio(median, js1?.mlups.median),
    efficiency: ratio(median, own1 === null ? null : own1.mlups.median * cell.threads),
    trafficGBs: (median * 1e6 * kBytesPerUpdate) / 1e9,
    ceilingPercent: probe === null ? null : (100 * median) / probe.ceilingMlups,
    vsReference: ratio(median, cell.reference?.mlups.median),
    vsBestLoop: ratio(median, cell.bestLoop?.mlups.median),
  }
}

/** Every cell with its figures attached. */
export function withFigures(cells, bandwidth) {
  return cells.map((cell) => ({ ...cell, figures: figuresOf(cell, cells, bandwidth) }))
}
