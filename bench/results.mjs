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

/**
 * Makes `dir` one level at a time (a recursive mkdir loops forever on procfs), then creates and removes
 * a probe file; throws an Error saying why the directory cannot take the results. Run before the suite.
 */
export function prepareOutDir(dir) {
  const absolute = path.resolve(dir)
  const { root } = path.parse(absolute)
  let current = root
  try {
    for (const part of absolute.slice(root.length).split(path.sep).filter(Boolean)) {
      current = path.join(current, part)
      const found = fs.statSync(current, { throwIfNoEntry: false })
      if (found === undefined) fs.mkdirSync(current)
      else if (!found.isDirectory()) throw new Error(`ENOTDIR: ${current} exists and is not a directory`)
    }
    const probe = path.join(absolute, `.calor-probe-${process.pid}-${Date.now()}`)
    fs.closeSync(fs.openSync(probe, 'wx'))
    fs.unlinkSync(probe)
  } catch (error) {
    throw new Error(`--out: cannot write results to ${dir}: ${error.message}`, { cause: error })
  }
}

/** Writes the files into `dir` (made by prepareOutDir) and returns their paths. */
export function writeResults(dir, result) {
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
