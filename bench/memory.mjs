/**
 * Peak memory of a solver: a child process creates one (initial field from a function, optionally a
 * source), takes two steps and reports its peak resident set size. The figure reported is that peak
 * divided by the bytes of the two halo-padded fields, which must be nearly all of it (target ≤ 1.1);
 * the node runtime's own ~45 MB is included. Reading the field (field(), a result) adds one nx·ny copy.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

import { Solver } from 'calor'

const run = promisify(execFile)
const kScript = fileURLToPath(import.meta.url)

/** In the child: create, step, close; print the peak RSS in bytes. */
async function child(nodes, withSource) {
  const options = { grid: { nx: nodes, ny: nodes }, initial: (x, y) => Math.sin(3 * x) * Math.cos(2 * y), threads: 2 }
  const solver = await Solver.create(withSource ? { ...options, source: (x) => x } : options)
  await solver.advance({ steps: 2 })
  await solver.close()
  process.stdout.write(`${peakRss()}\n`)
}

/**
 * This process's peak RSS in bytes: VmHWM, the high-water mark of its own memory map. Not
 * resourceUsage().maxRSS: Linux carries that across exec from the forked parent, so a child started by a
 * large bench process would report the parent's peak.
 */
function peakRss() {
  const status = fs.readFileSync('/proc/self/status', 'utf8')
  const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]
  return kb === undefined ? process.resourceUsage().maxRSS * 1024 : Number(kb) * 1024
}

/** Peak RSS of a solver of nodes² (with a source or not), and its ratio to the two padded fields. */
export async function measurePeakMemory(nodes, withSource) {
  const { stdout } = await run(process.execPath, [kScript, String(nodes), withSource ? 'source' : 'none'])
  const peakRssBytes = Number(stdout.trim())
  const fieldBytes = (nodes + 2) ** 2 * Float64Array.BYTES_PER_ELEMENT
  return { nodes, source: withSource, peakRssBytes, fieldBytes, ratio: peakRssBytes / (2 * fieldBytes) }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await child(Number(process.argv[2]), process.argv[3] === 'source')
}
