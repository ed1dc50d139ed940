/** What the build scripts share: the project root, the addon's file name and a loud way to run a command. */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const kRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** The addon napi writes for this platform, and the per-platform package that carries it. */
export const kAddon = 'calor.linux-x64-gnu.node'
export const kPlatformDir = path.join(kRoot, 'npm', 'linux-x64-gnu')

/** Whether a command exists: it runs and exits 0. */
export function has(command, args = ['--version']) {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0
}

/** Runs a command in the project root with inherited output; throws, naming the command, if it fails. */
export function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: kRoot, stdio: 'inherit', env })
  if (result.status !== 0) {
    const how = result.error ? result.error.message : `exit status ${result.status ?? result.signal}`
    throw new Error(`calor: '${command} ${args.join(' ')}' failed (${how})`)
  }
}

/**
 * Compiles lib/ into a fresh dist/: tsc never deletes the output of a source that was moved or removed,
 * and a stale file would be packed and shipped.
 */
export function buildTs() {
  fs.rmSync(path.join(kRoot, 'dist'), { recursive: true, force: true })
  run(process.execPath, [path.join(kRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'])
}

/** The built outputs a package needs: dist/ and the addon. */
export function isBuilt() {
  return fs.existsSync(path.join(kRoot, 'dist', 'index.js')) && fs.existsSync(path.join(kRoot, 'crate', kAddon))
}

/** Runs `main`, printing an Error's message (not its stack) and exiting 1 when it throws. */
export function main(fn) {
  try {
    fn()
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(1)
  }
}
