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
  'js/loop',
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
    f.vsBestLoop === null ? '–' : fmt(f.vsBestLoop, 2),
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

/**
 * Native ÷ js at every size and thread count, and the js backend on 1 thread ÷ the best plain JS loop of
 * the same formula (bench/jsloop.mjs), all from the same run's medians.
 */
export function speedTable(cells, markdown = false) {
  const sizes = [...new Set(cells.map((c) => c.nodes))]
  const threads = [...new Set(cells.map((c) => c.threads))]
  const find = (nodes, backend, t) => cells.find((c) => c.nodes === nodes && c.backend === backend && c.threads === t)
  const rows = sizes.map((nodes) => {
    const ratios = threads.map((t) => {
      const [native, js] = [find(nodes, 'native', t), find(nodes, 'js', t)]
      return native && js ? times(native.mlups.median / js.mlups.median) : '–'
    })
    const js1 = find(nodes, 'js', 1)
    const loop = js1?.bestLoop
      ? [fmt(js1.bestLoop.mlups.median), fmt(js1.mlups.median / js1.bestLoop.mlups.median, 2)]
      : ['–', '–']
    const square = cells.find((c) => c.nodes === nodes)?.dims === 3 ? '³' : '²'
    return [`${nodes}${square}`, ...ratios, ...loop]
  })
  const header = ['grid', ...threads.map((t) => `native÷js ${t} thr`), 'best JS loop MLUP/s', 'js·1 ÷ loop']
  return layout(header, rows, { markdown })
}

/** The grid whose rate is the in-cache reference: its two fields fit one core's L2 (258² nodes, 2D). */
export const kInCacheNodes = 258

/**
 * Native rate of each 2D grid ÷ the native rate at 258² on the same thread count (the in-cache rate, which
 * a large grid should reach once temporal blocking works), or null when 258² was not measured. Each entry
 * is the ratio of the medians, then of the best runs: on a shared machine another guest only ever slows a
 * run down, and a large grid's long runs are hit more often than 258²'s short ones.
 */
export function inCacheTable(cells, markdown = false) {
  const native = cells.filter((c) => c.backend === 'native' && c.dims !== 3)
  const threads = [...new Set(native.map((c) => c.threads))]
  const reference = (t) => native.find((c) => c.nodes === kInCacheNodes && c.threads === t)
  if (threads.every((t) => reference(t) === undefined)) return null
  const sizes = [...new Set(native.map((c) => c.nodes))].filter((n) => n > kInCacheNodes)
  const rows = sizes.map((nodes) => [
    `${nodes}²`,
    ...threads.map((t) => {
      const [cell, ref] = [native.find((c) => c.nodes === nodes && c.threads === t), reference(t)]
      if (!cell || !ref) return '–'
      return `${fmt(cell.mlups.median / ref.mlups.median, 2)} / ${fmt(cell.mlups.max / ref.mlups.max, 2)}`
    }),
  ])
  const header = ['grid', ...threads.map((t) => `÷ ${kInCacheNodes}² ${t} thr (median / best)`)]
  return layout(header, rows, { markdown })
}

/** solve() latency: the first call of a process and the warm calls after it, in ms. */
export function latencyTable(latency, markdown = false) {
  const rows = latency.cells.map((c) => [
    c.api ?? 'solve',
    c.backend,
    c.threads === 'default' ? `default (${c.threadsUsed})` : String(c.threads),
    c.firstMs.toFixed(1),
    c.warmMs.median.toFixed(2),
    `${c.warmMs.min.toFixed(2)}–${c.warmMs.max.toFixed(2)}`,
    String(c.calls - 1),
  ])
  const header = ['api', 'backend', 'threads', 'first call ms', 'warm ms median', 'warm min–max', 'warm calls']
  return layout(header, rows, { markdown, left: 3 })
}

/** Instructions per cell update under callgrind. */
export function instructionsTable(instructions, markdown = false) {
  const rows = instructions.cases.map((c) => [
    c.name,
    c.perUpdate.toFixed(3),
    c.counts.map((n) => fmt(n.object / 1e6, 4)).join(' / '),
  ])
  const steps = instructions.steps.join(' / ')
  const header = ['kernel', 'instructions per update', `M instructions in its object at ${steps} steps`]
  return layout(header, rows, { markdown })
}

/** Native 1 against 2 threads on small grids, and the machine's ceiling (two independent 1-thread solvers at once). */
export function crossoverTable(rows, markdown = false) {
  const cells = rows.map((r) => [
    `${r.nodes}²`,
    fmt(r.one.median),
    fmt(r.two.median),
    times(r.ratio),
    fmt(r.pair.median),
    times(r.ceiling),
    `${(100 * r.kept).toFixed(0)}%`,
  ])
  const header = [
    'grid',
    '1 thread MLUP/s',
    '2 threads MLUP/s',
    '2 ÷ 1',
    '2 solvers × 1 thread',
    'pair ÷ 1',
    '2 threads ÷ pair',
  ]
  return layout(header, cells, { markdown })
}
