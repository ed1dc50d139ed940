/**
 * `npm run bench -- --instructions`: instructions per cell update, counted by valgrind's callgrind, for the
 * native kernel (constant and variable α, one thread) and for the C yardsticks beside it. Unlike a time,
 * the count barely moves on a loaded, shared machine, so a regression shows even when timings are noise.
 *
 * Each case runs twice under callgrind, for kSteps[0] and kSteps[1] steps of a kInterior² interior, and
 * the figure is (I₁ − I₀) / ((S₁ − S₀)·N²) where I counts the instructions run in the kernel's own object
 * file: the addon (its stepping, ghost rows and barrier) or the C program. Whatever does not grow with
 * the steps (the addon's set-up, the C program's fill) cancels in the difference, and restricting the
 * count to one object leaves out Node itself, whose start-up and JIT vary by tens of millions of
 * instructions from run to run (the whole-process totals are kept in the results file, but they are noise:
 * two runs of the same case can differ by 40M). The count in the object repeats to the instruction.
 *
 * valgrind has no AVX-512: the native kernel picks its AVX2 rows under it (its CPU check sees what
 * valgrind emulates), and the C yardsticks are compiled with AVX2 and no FMA (-mavx2), the same vector
 * width and Calor's arithmetic. Run as a script, this file is the native child:
 * `node bench/instructions.mjs <constant|variable> <steps>`.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

import { Solver } from 'calor'

import { kProjectRoot } from './args.mjs'
import { tryRun } from './machine.mjs'

const run = promisify(execFile)
/** Interior nodes per side (the grid has two more): 512² updates a step. */
export const kInterior = 512
export const kSteps = [20, 220]
const kCompileFlags = ['-O3', '-mavx2', '-fopenmp']
const kCallgrind = ['--tool=callgrind', '--smc-check=all-non-file']
/** The addon as `npm run build` leaves it (crate/index.js loads it from there). */
const kAddonFile = `calor.${process.platform}-${process.arch}-gnu.node`

/** The native child: one Solver on one thread, `steps` steps of the matrix's problem, then exit. */
async function child(physics, steps) {
  const nodes = kInterior + 2
  const solver = await Solver.create({
    grid: { nx: nodes, ny: nodes },
    ...(physics === 'variable' ? { diffusivity: (x, y) => 1 + x * y } : {}),
    initial: (x, y) => 1 + Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
    boundary: { type: 'dirichlet', value: 1 },
    backend: 'native',
    threads: 1,
  })
  await solver.advance({ steps })
  await solver.close()
}

/** valgrind on the PATH, installed by scripts/setup-valgrind.sh (Debian's package) when missing; or the reason not. */
async function ensureValgrind(log) {
  if (tryRun('valgrind', ['--version']) !== null) return null
  log('valgrind not found: running scripts/setup-valgrind.sh')
  try {
    await run('bash', [path.join(kProjectRoot, 'scripts', 'setup-valgrind.sh')])
  } catch (error) {
    return `valgrind is missing and scripts/setup-valgrind.sh could not install it: ${error.stderr || error.message}`
  }
  return tryRun('valgrind', ['--version']) === null ? 'valgrind is still missing after setup' : null
}

/**
 * Instructions (Ir) per object file in a callgrind output: self cost of each function, added up under the
 * object it belongs to. Names are compressed ("ob=(3) /path" once, "ob=(3)" after), and the cost line after
 * a "calls=" line is the call's inclusive cost, not the caller's own.
 */
export function costsByObject(text) {
  const [names, totals] = [new Map(), new Map()]
  const nameOf = (spec) => {
    const match = /^\((\d+)\)(?:\s+(.*))?$/.exec(spec.trim())
    if (match === null) return spec.trim()
    if (match[2] !== undefined) names.set(match[1], match[2])
    return names.get(match[1])
  }
  let [object, inclusive] = [null, false]
  for (const line of text.split('\n')) {
    if (line.startsWith('ob=')) object = nameOf(line.slice(3))
    else if (line.startsWith('cob=')) nameOf(line.slice(4))
    else if (line.startsWith('calls=')) inclusive = true
    else if (/^[0-9+\-*]/.test(line)) {
      if (!inclusive) totals.set(object, (totals.get(object) ?? 0) + Number(line.trim().split(/\s+/).at(-1)))
      inclusive = false
    }
  }
  return totals
}

/** Instructions callgrind counted in `object` (a path) and in the whole command (every thread). */
async function countInstructions(dir, object, command, args) {
  const out = path.join(dir, `callgrind.${process.pid}.${Date.now()}.out`)
  await run('valgrind', [...kCallgrind, `--callgrind-out-file=${out}`, command, ...args], { maxBuffer: 1 << 26 })
  const totals = costsByObject(fs.readFileSync(out, 'utf8'))
  fs.rmSync(out, { force: true })
  const inObject = totals.get(object)
  if (inObject === undefined) throw new Error(`callgrind counted nothing in ${object} for ${command} ${args.join(' ')}`)
  return { object: inObject, process: [...totals.values()].reduce((a, b) => a + b, 0) }
}

/** The cases: the native kernel as a Node child, the C yardsticks compiled into `dir`. */
function casesOf(dir) {
  const script = fileURLToPath(import.meta.url)
  const addon = fs.realpathSync(path.join(kProjectRoot, 'crate', kAddonFile))
  const native = (physics) => (steps) => [addon, process.execPath, [script, physics, String(steps)]]
  const yardstick = (file) => {
    const binary = path.join(dir, path.basename(file, '.c'))
    const source = path.join(kProjectRoot, 'bench', 'reference', file)
    if (tryRun('gcc', [...kCompileFlags, source, '-o', binary]) === null) return null
    return (steps) => [binary, binary, [String(kInterior), String(steps), '1']]
  }
  return [
    { name: 'native, constant α', command: native('constant') },
    { name: 'native, variable α', command: native('variable') },
    { name: 'C stencil.c (-O3 -mavx2)', command: yardstick('stencil.c') },
    { name: 'C stencil_var.c (-O3 -mavx2)', command: yardstick('stencil_var.c') },
  ].filter((c) => c.command !== null)
}

/** Counts every case; returns { available, interior, steps, cases: [{ name, counts, perUpdate }] } or the reason not. */
export async function measureInstructions(log) {
  const missing = await ensureValgrind(log)
  if (missing !== null) return { available: false, reason: missing }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calor-callgrind-'))
  try {
    const cases = []
    for (const c of casesOf(dir)) {
      const counts = []
      for (const steps of kSteps) counts.push(await countInstructions(dir, ...c.command(steps)))
      const updates = (kSteps[1] - kSteps[0]) * kInterior * kInterior
      const perUpdate = (counts[1].object - counts[0].object) / updates
      const processPerUpdate = (counts[1].process - counts[0].process) / updates
      log(`  ${c.name}: ${perUpdate.toFixed(3)} instructions per update`)
      cases.push({ name: c.name, counts, perUpdate, processPerUpdate })
    }
    const valgrind = tryRun('valgrind', ['--version'])
    return {
      available: true,
      valgrind,
      interior: kInterior,
      steps: kSteps,
      compileFlags: kCompileFlags.join(' '),
      cases,
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [physics, steps] = process.argv.slice(2)
  await child(physics, Number(steps))
}
