/**
 * What the numbers were measured on: CPU, cores, caches, memory, toolchain versions and the git commit,
 * so that a results file can be read (and distrusted) on its own.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'

const kCacheDir = '/sys/devices/system/cpu/cpu0/cache'

/** Runs a command and returns its trimmed stdout, or null if it is missing or fails. */
export function tryRun(command, args, cwd) {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    return null
  }
}

/** '480M' / '32768K' / '4 MiB' → megabytes (0 if unreadable). */
export function parseCacheSize(text) {
  const match = /^(\d+(?:\.\d+)?)\s*([KMG])?/i.exec(text ?? '')
  if (match === null) return 0
  const scale = { K: 1 / 1024, M: 1, G: 1024 }[(match[2] ?? 'K').toUpperCase()]
  return Number(match[1]) * scale
}

/** Cache sizes by level as Linux reports them for cpu0 (L1d, L2, L3), in MB; empty where unknown. */
export function cacheSizes() {
  const sizes = {}
  for (let index = 0; index < 8; index++) {
    const level = readText(`${kCacheDir}/index${index}/level`)
    const type = readText(`${kCacheDir}/index${index}/type`)
    if (level === null) break
    if (type === 'Instruction') continue
    sizes[`L${level}`] = parseCacheSize(readText(`${kCacheDir}/index${index}/size`))
  }
  return sizes
}

/** The last-level (L3) cache in MB, or 0 if unknown. */
export function l3Megabytes() {
  return cacheSizes().L3 ?? 0
}

function gitInfo(cwd) {
  const commit = tryRun('git', ['rev-parse', 'HEAD'], cwd)
  const status = tryRun('git', ['status', '--porcelain', '--untracked-files=no'], cwd)
  return { commit, dirty: status === null ? null : status.length > 0 }
}

/** The 1, 5 and 15-minute load averages, rounded. */
export function loadAverage() {
  return os.loadavg().map((v) => Number(v.toFixed(2)))
}

/** A description of this machine and toolchain, for the results file. */
export function describeMachine(projectRoot) {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    logicalCores: cpus.length,
    availableParallelism: os.availableParallelism(),
    cachesMB: cacheSizes(),
    memoryGB: Number((os.totalmem() / 1e9).toFixed(1)),
    freeMemoryGB: Number((os.freemem() / 1e9).toFixed(1)),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    rustc: tryRun('rustc', ['--version'], projectRoot),
    /** 1, 5 and 15-minute load averages when the run began: above the core count, the numbers are noisy. */
    loadAverage: loadAverage(),
    ...gitInfo(projectRoot),
  }
}

/** One line for the terminal. */
export function machineLine(m) {
  const l3 = m.cachesMB.L3 ? `, L3 ${m.cachesMB.L3} MB` : ''
  const git = m.commit ? `, commit ${m.commit.slice(0, 10)}${m.dirty ? ' (dirty)' : ''}` : ''
  const load = `load ${m.loadAverage.join(' ')}`
  return `${m.cpu}, ${m.availableParallelism} threads${l3}, ${m.memoryGB} GB, ${load}; Node ${m.node}, ${m.rustc ?? 'rustc ?'}${git}`
}
