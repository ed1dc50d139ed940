#!/usr/bin/env node
/**
 * npm's `prepare`: runs after `npm install` in a clone, and so when calor is installed from git or from a
 * path to a clone. Builds dist/ and the addon when they are missing (the addon for this machine's glibc,
 * which needs cargo: it says so plainly when cargo is absent). Does nothing when both are built, or when
 * scripts/setup.mjs ran `npm ci` and builds right after.
 */
import path from 'node:path'

import { buildTs, isBuilt, kRoot, main, run } from './common.mjs'

main(() => {
  if (process.env.CALOR_SETUP === '1' || isBuilt()) return
  console.error('calor: building the native addon and dist/ (a git or path install builds from source)')
  run(process.execPath, [path.join(kRoot, 'scripts', 'build-native.mjs'), '--host'])
  buildTs()
})
