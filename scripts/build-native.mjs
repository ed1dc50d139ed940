#!/usr/bin/env node
/**
 * Builds the native addon into crate/ (`napi build`, release).
 *
 * On x86-64 Linux the default links against glibc 2.17 with cargo-zigbuild, so that the one binary loads
 * on old distributions too (RHEL/Rocky 7 and 8, Ubuntu 18.04 and 20.04). zig and cargo-zigbuild come from
 * PyPI (the `ziglang` and `cargo-zigbuild` wheels), pinned, into a virtual environment in .tools/ the
 * first time. If they cannot be installed, it says so and builds for this machine's glibc instead.
 * `--host` builds for this machine's glibc directly; it needs only cargo.
 */
import fs from 'node:fs'
import path from 'node:path'

import { has, kRoot, main, run } from './common.mjs'

/** The glibc baseline of the shipped binary (`objdump -T` shows no GLIBC_ symbol newer than this). */
export const kGlibcBaseline = '2.17'
const kTools = ['ziglang==0.17.0', 'cargo-zigbuild==0.24.0']
const kToolsDir = path.join(kRoot, '.tools')
const kToolsBin = path.join(kToolsDir, 'bin')
const kNapiArgs = ['build', '--platform', '--release', '--esm', '--manifest-path', 'crate/Cargo.toml']

function requireCargo() {
  if (has('cargo')) return
  throw new Error(
    'calor: building the native addon needs Rust (cargo on the PATH; rustup installs it) and a C linker.\n' +
      'Install those and try again, or install a packed calor tarball, which ships the built addon.',
  )
}

/** zig and cargo-zigbuild in .tools/, installed on first use; false (with the reason printed) when impossible. */
function ensureZigTools() {
  const ready = ['cargo-zigbuild', 'python3'].every((f) => fs.existsSync(path.join(kToolsBin, f)))
  if (ready && has(path.join(kToolsBin, 'python3'), ['-m', 'ziglang', 'version'])) return true
  try {
    if (!has('python3')) throw new Error('python3 was not found')
    console.error(`calor: installing ${kTools.join(' and ')} from PyPI into .tools/ (once)`)
    run('python3', ['-m', 'venv', kToolsDir])
    run(path.join(kToolsBin, 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...kTools])
    return true
  } catch (error) {
    console.error(`calor: ${error.message}; cannot link against glibc ${kGlibcBaseline}.`)
    console.error('calor: building for this machine’s glibc instead; the addon will not load on older systems.')
    return false
  }
}

function napi(args, env) {
  run(path.join(kRoot, 'node_modules', '.bin', 'napi'), [...kNapiArgs, '--output-dir', 'crate', ...args], env)
}

function buildNative(argv) {
  requireCargo()
  const baseline = process.platform === 'linux' && process.arch === 'x64' && !argv.includes('--host')
  if (baseline && ensureZigTools()) {
    const env = { ...process.env, PATH: `${kToolsBin}${path.delimiter}${process.env.PATH ?? ''}` }
    napi(['--cross-compile', '--target', `x86_64-unknown-linux-gnu.${kGlibcBaseline}`], env)
  } else {
    napi([])
  }
}

main(() => buildNative(process.argv.slice(2)))
