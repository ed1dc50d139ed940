/**
 * Writes a run's results: latest.json and latest.svg, plus a dated copy of the JSON so that runs can be
 * compared over time.
 */
import fs from 'node:fs'
import path from 'node:path'

import { renderChart } from './chart.mjs'

/** Version of the results file's shape; bump it when a field changes meaning. */
export const kResultsSchema = 1

/** '2026-11-23T12:34:56.789Z' → '2026-11-23T12-34-56Z', safe in a file name. */
export function datedName(isoDate) {
  return `${isoDate.slice(0, 19).replace(/:/g, '-')}Z.json`
}

/** Writes the files and returns their paths. */
export function writeResults(dir, result) {
  fs.mkdirSync(dir, { recursive: true })
  const json = `${JSON.stringify(result, null, 2)}\n`
  const files = {
    latest: path.join(dir, 'latest.json'),
    dated: path.join(dir, datedName(result.date)),
    chart: path.join(dir, 'latest.svg'),
  }
  fs.writeFileSync(files.latest, json)
  fs.writeFileSync(files.dated, json)
  if (result.cells.length > 0) fs.writeFileSync(files.chart, renderChart(result))
  else delete files.chart
  return files
}
