/**
 * A small SVG line chart of MLUP/s against grid size (both axes logarithmic): one line per backend ×
 * threads with min–max bars, the C reference as dashed grey lines, and the memory-bound ceilings as
 * dotted horizontal lines. Plain string building, no dependencies.
 */
import { fmt } from './table.mjs'

const kWidth = 1000
const kHeight = 560
const kFrame = { left: 80, right: 700, top: 70, bottom: 480 }
const kPalette = {
  native: ['#d94801', '#8c2d04', '#fd8d3c', '#7f2704'],
  js: ['#2171b5', '#08306b', '#6baed6', '#084594'],
  reference: ['#737373', '#252525', '#969696', '#000000'],
}

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Maps [lo, hi] logarithmically onto [from, to]. */
function logScale(lo, hi, from, to) {
  const [a, b] = [Math.log10(lo), Math.log10(hi)]
  return (v) => from + ((Math.log10(v) - a) / (b - a)) * (to - from)
}

/** 1, 2, 5 × 10^k between lo and hi. */
export function logTicks(lo, hi) {
  const ticks = []
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) if (m * 10 ** e >= lo && m * 10 ** e <= hi) ticks.push(m * 10 ** e)
  }
  return ticks
}

function text(x, y, content, attrs = '') {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${escape(content)}</text>`
}

function line(x1, y1, x2, y2, attrs) {
  return `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" ${attrs}/>`
}

/** The lines to draw: each backend × threads, then the C reference per thread count. */
export function seriesOf(result) {
  const series = []
  const threads = [...new Set(result.cells.map((c) => c.threads))].sort((a, b) => a - b)
  for (const backend of ['native', 'js']) {
    threads.forEach((t, k) => {
      const cells = result.cells.filter((c) => c.backend === backend && c.threads === t)
      const points = cells.map((c) => ({ x: c.nodes, y: c.mlups.median, lo: c.mlups.min, hi: c.mlups.max }))
      const color = kPalette[backend][k % 4]
      const label = `${backend}, ${t} thread${t > 1 ? 's' : ''}`
      if (points.length > 0) series.push({ label, color, square: t > 1, points })
    })
  }
  threads.forEach((t, k) => {
    const cells = result.cells.filter((c) => c.backend === 'native' && c.threads === t && c.reference)
    const points = cells.map((c) => ({ x: c.nodes, y: c.reference.mlups.median, lo: null, hi: null }))
    const color = kPalette.reference[k % 4]
    const label = `C reference, ${t} thread${t > 1 ? 's' : ''}`
    if (points.length > 0) series.push({ label, color, dash: '7 4', square: t > 1, points })
  })
  return series
}

/** Horizontal memory-bound ceilings, one per measured thread count. */
function ceilingsOf(result) {
  if (!result.bandwidth.measured) return []
  return result.bandwidth.probes.map((p, k) => ({
    label: `memory ceiling, ${p.threads} thr: ${fmt(p.ceilingMlups)}`,
    color: kPalette.reference[k % 4],
    y: p.ceilingMlups,
  }))
}

/** The y range covering every point, bar and ceiling, padded. */
function yDomain(series, ceilings) {
  const values = [...series.flatMap((s) => s.points.flatMap((p) => [p.y, p.lo, p.hi])), ...ceilings.map((c) => c.y)]
  const finite = values.filter((v) => v !== null && Number.isFinite(v) && v > 0)
  return [Math.min(...finite) / 1.6, Math.max(...finite) * 1.6]
}

function xAxis(sizes, sx) {
  const out = [line(kFrame.left, kFrame.bottom, kFrame.right, kFrame.bottom, 'stroke="#333"')]
  for (const n of sizes) {
    out.push(line(sx(n), kFrame.bottom, sx(n), kFrame.bottom + 5, 'stroke="#333"'))
    out.push(text(sx(n), kFrame.bottom + 20, `${n}²`, 'text-anchor="middle"'))
  }
  out.push(
    text((kFrame.left + kFrame.right) / 2, kFrame.bottom + 45, 'grid size (nodes, log scale)', 'text-anchor="middle"'),
  )
  return out
}

function yAxis(lo, hi, sy) {
  const out = [line(kFrame.left, kFrame.top, kFrame.left, kFrame.bottom, 'stroke="#333"')]
  for (const v of logTicks(lo, hi)) {
    out.push(line(kFrame.left, sy(v), kFrame.right, sy(v), 'stroke="#e5e5e5"'))
    out.push(text(kFrame.left - 8, sy(v) + 4, v >= 1 ? String(v) : fmt(v), 'text-anchor="end"'))
  }
  const label = 'MLUP/s (million cell updates per second, log scale)'
  out.push(
    text(
      22,
      (kFrame.top + kFrame.bottom) / 2,
      label,
      `text-anchor="middle" transform="rotate(-90 22 ${(kFrame.top + kFrame.bottom) / 2})"`,
    ),
  )
  return out
}

/** A circle for one thread, a square for more, so thread counts differ by more than shade. */
function marker(s, x, y) {
  if (!s.square) return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${s.color}"/>`
  return `<rect x="${(x - 3.5).toFixed(1)}" y="${(y - 3.5).toFixed(1)}" width="7" height="7" fill="${s.color}"/>`
}

function drawSeries(s, sx, sy) {
  const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : ''
  const path = s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')
  const out = [`<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`]
  for (const p of s.points) {
    if (p.lo !== null && p.hi > p.lo) out.push(line(sx(p.x), sy(p.lo), sx(p.x), sy(p.hi), `stroke="${s.color}"`))
    out.push(marker(s, sx(p.x), sy(p.y)))
  }
  return out
}

function drawCeiling(c, sy) {
  return [
    line(kFrame.left, sy(c.y), kFrame.right, sy(c.y), `stroke="${c.color}" stroke-width="1.5" stroke-dasharray="2 3"`),
  ]
}

function legend(entries) {
  const rows = entries.flatMap((e, k) => {
    const y = kFrame.top + 10 + k * 22
    const dash = e.dash ? ` stroke-dasharray="${e.dash}"` : ''
    const key = [line(kFrame.right + 20, y, kFrame.right + 50, y, `stroke="${e.color}" stroke-width="2"${dash}`)]
    if (e.points) key.push(marker(e, kFrame.right + 35, y))
    return [...key, text(kFrame.right + 58, y + 4, e.label)]
  })
  const y = kFrame.top + 10 + entries.length * 22 + 8
  const notes = [
    'ceiling = copy bandwidth / 24 B per update:',
    'the memory-bound limit once the grid',
    'no longer fits in cache',
  ]
  return [...rows, ...notes.map((n, k) => text(kFrame.right + 20, y + k * 16, n, 'fill="#555" font-size="11"'))]
}

function subtitle({ machine, date }) {
  const load = machine.loadAverage ? ` · load average ${machine.loadAverage[0]}` : ''
  return `${machine.cpu}, ${machine.availableParallelism} threads · ${date.slice(0, 10)}${load}`
}

/** The whole chart as an SVG document. */
export function renderChart(result) {
  const series = seriesOf(result)
  const ceilings = ceilingsOf(result)
  const sizes = [...new Set(result.cells.map((c) => c.nodes))].sort((a, b) => a - b)
  const [lo, hi] = yDomain(series, ceilings)
  const sx = logScale(sizes[0] / 1.5, sizes[sizes.length - 1] * 1.5, kFrame.left, kFrame.right)
  const sy = logScale(lo, hi, kFrame.bottom, kFrame.top)
  const title = `Calor: cell updates per second by grid size (median of timed runs; bars: min–max)`
  const body = [
    `<rect width="${kWidth}" height="${kHeight}" fill="white"/>`,
    text(kFrame.left, 28, title, 'font-size="16" font-weight="bold"'),
    text(kFrame.left, 50, subtitle(result), 'fill="#555"'),
    ...yAxis(lo, hi, sy),
    ...xAxis(sizes, sx),
    ...ceilings.flatMap((c) => drawCeiling(c, sy)),
    ...series.flatMap((s) => drawSeries(s, sx, sy)),
    ...legend([...series, ...ceilings.map((c) => ({ ...c, dash: '2 3' }))]),
  ]
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${kWidth}" height="${kHeight}" viewBox="0 0 ${kWidth} ${kHeight}" font-family="sans-serif" font-size="12">`
  return `${open}\n${body.join('\n')}\n</svg>\n`
}
