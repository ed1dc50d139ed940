/**
 * The C reference: bench/reference/stencil.c (or --reference), the project's own plain OpenMP FTCS sweep,
 * run *beside* the suite as a measuring stick. It is compiled with gcc into a temporary directory and
 * executed as a separate program; without gcc the suite says so in one line and leaves the C columns empty.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { tryRun } from './machine.mjs'

const run = promisify(execFile)
export const kReferenceFlags = ['-O3', '-march=native', '-fopenmp']

/**
 * Compiles the reference. Returns { available: true, binary, compiler, flags, source, dir } or
 * { available: false, reason } when the source, gcc or the compile is missing.
 */
export function prepareReference(source) {
  if (source === 'none') return { available: false, reason: 'disabled with --reference none' }
  if (!fs.existsSync(source)) return { available: false, reason: `${source} not found` }
  const compiler = tryRun('gcc', ['--version'])?.split('\n')[0]
  if (compiler === undefined)
    return { available: false, reason: 'gcc not found on the PATH, so the C columns stay empty' }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calor-bench-'))
  const binary = path.join(dir, 'stencil-ref')
  if (tryRun('gcc', [...kReferenceFlags, source, '-o', binary]) === null) {
    fs.rmSync(dir, { recursive: true, force: true })
    return { available: false, reason: `gcc ${kReferenceFlags.join(' ')} failed on ${source}` }
  }
  return { available: true, binary, compiler, flags: kReferenceFlags.join(' '), source, dir }
}

/** Removes the temporary directory of a compiled reference. */
export function disposeReference(reference) {
  if (reference.available) fs.rmSync(reference.dir, { recursive: true, force: true })
}

/** Parses the reference's one output line: "N steps threads seconds MLUPS checksum". */
export function parseReferenceLine(line) {
  const fields = line.trim().split(/\s+/).map(Number)
  if (fields.length !== 6 || !fields.every(Number.isFinite)) {
    throw new Error(`the C reference printed "${line.trim()}", expected "N steps threads seconds MLUPS checksum"`)
  }
  const [n, steps, threads, seconds, , checksum] = fields
  return { n, steps, threads, seconds, mlups: (n * n * steps) / seconds / 1e6, checksum }
}

/** One run of the reference on an N×N interior for `steps` steps on `threads` threads. */
export async function runReference(reference, n, steps, threads) {
  const args = [String(n), String(steps), String(threads)]
  const { stdout } = await run(reference.binary, args, { encoding: 'utf8' })
  return parseReferenceLine(stdout)
}

/** The public description of the reference for the results file (no temporary paths). */
export function describeReference(reference) {
  if (!reference.available) return { available: false, reason: reference.reason }
  const { compiler, flags, source } = reference
  return { available: true, compiler, flags, source }
}
