/**
 * The probes' time series as files: CSV (one row per sample: step, t, then u at each probe; the header
 * names each probe's point) or JSON (`result.probes` as it is). Numbers are written in the shortest form
 * that reads back to the same float64, so nothing is lost.
 */
import { writeFile } from 'node:fs/promises'

import type { ProbesResult } from '../api/types.js'

/** CSV: header `step,t,u(x=0.5 y=0.5),…`, then one line per sample; non-finite values are written as NaN/Infinity. */
export function formatProbesCsv(probes: ProbesResult): string {
  const header = ['step', 't', ...probes.series.map(({ x, y }) => `u(x=${x} y=${y})`)].join(',')
  const rows = probes.steps.map((step, n) => [step, probes.t[n], ...probes.series.map((s) => s.values[n])].join(','))
  return `${[header, ...rows].join('\n')}\n`
}

/** JSON: `{ steps, t, series: [{ x, y, values }] }`; a non-finite value becomes null. */
export function formatProbesJson(probes: ProbesResult): string {
  return `${JSON.stringify(probes)}\n`
}

/** Writes the series to `file`, as JSON if its name ends in `.json`, else as CSV. */
export async function writeProbes(file: string, probes: ProbesResult): Promise<void> {
  const text = file.toLowerCase().endsWith('.json') ? formatProbesJson(probes) : formatProbesCsv(probes)
  await writeFile(file, text)
}
