/**
 * Plain-text tables for the terminal (and, with `markdown`, for docs): no colours, right-aligned numbers.
 */

const kHeader = [
  'grid',
  'backend',
  'threads',
  'steps×runs',
  'MLUP/s median',
  'min–max',
  'vs js·1',
  'efficiency',
  'GB/s',
  '% of ceiling',
  'C MLUP/s',
  'native/C',
]

/** A number with about three significant figures, or '–' for null. */
export function fmt(value, digits = 3) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  if (Math.abs(value) >= 10 ** digits) return Math.round(value).toString()
  return value.toPrecision(digits)
}

const pct = (value) => (value === null ? '–' : `${Math.round(value)}%`)
const times = (value) => (value === null ? '–' : `${fmt(value)}×`)

/** One row of the results table. */
function cellRow(c) {
  const f = c.figures
  return [
    `${c.nodes}${c.dims === 3 ? '³' : '²'}`,
    c.backend,
    String(c.threads),
    `${c.steps}×${c.repeats}`,
    fmt(c.mlups.median),
    `${fmt(c.mlups.min)}–${fmt(c.mlups.max)}`,
    times(f.speedupVsJs1),
    pct(f.efficiency === null ? null : 100 * f.efficiency),
    fmt(f.trafficGBs),
    pct(f.ceilingPercent),
    c.reference ? fmt(c.reference.mlups.median) : '–',
    f.vsReference === null ? '–' : fmt(f.vsReference, 2),
  ]
}

function pad(text, width, left) {
  const gap = ' '.repeat(Math.max(0, width - [...text].length))
  return left ? text + gap : gap + text
}

/** Lays out rows of strings as aligned columns; the first `left` columns are left-aligned, the rest right. */
export function layout(header, rows, { markdown = false, left = 1 } = {}) {
  const widths = header.map((h, k) => Math.max(...[h, ...rows.map((r) => r[k])].map((s) => [...s].length)))
  const line = (r) => r.map((s, k) => pad(s, widths[k], k < left))
  if (!markdown) return [line(header), ...rows.map(line)].map((r) => r.join('  ')).join('\n')
  const rule = widths.map((w, k) => (k < left ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`))
  return [line(header), rule, ...rows.map(line)].map((r) => `| ${r.join(' | ')} |`).join('\n')
}

/** The results table of all cells. */
export function resultsTable(cells, markdown = false) {
  return layout(kHeader, cells.map(cellRow), { markdown, left: 3 })
}

/** The bandwidth probes as a short table. */
export function bandwidthTable(bandwidth, markdown = false) {
  const rows = bandwidth.probes.map((p) => [String(p.threads), fmt(p.copyGBs), fmt(p.triadGBs), fmt(p.ceilingMlups)])
  return layout(['threads', 'copy GB/s', 'triad GB/s', 'ceiling MLUP/s'], rows, { markdown })
}
