#!/usr/bin/env node
/**
 * npm's `prepack` (before `npm pack` and `npm publish`): a tarball must carry dist/ and the addon, so
 * they are built if missing (the glibc-baseline build), and the addon is copied into the per-platform
 * package npm/linux-x64-gnu/, napi's layout for publishing binaries. Fails loudly rather than pack a
 * package that cannot be imported.
 */
import fs from 'node:fs'
import path from 'node:path'

import { buildTs, isBuilt, kAddon, kPlatformDir, kRoot, main, run } from './common.mjs'

main(() => {
  if (!isBuilt()) {
    if (!fs.existsSync(path.join(kRoot, 'node_modules', 'typescript'))) {
      throw new Error('calor: cannot pack an unbuilt clone without its dev dependencies: run `npm ci` first')
    }
    run(process.execPath, [path.join(kRoot, 'scripts', 'build-native.mjs')])
    buildTs()
  }
  if (!isBuilt()) throw new Error('calor: the build left no dist/index.js or crate/' + kAddon + '; not packing')
  fs.copyFileSync(path.join(kRoot, 'crate', kAddon), path.join(kPlatformDir, kAddon))
})
