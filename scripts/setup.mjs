#!/usr/bin/env node
/**
 * What `npm start`, `npm test` and `npm run bench` run first: installs the dependencies from the lock
 * when they are missing (`npm ci`), then builds the addon and the TypeScript. The `prepare` that `npm ci`
 * runs is told to leave the build to this script (CALOR_SETUP), so a fresh clone builds once.
 */
import fs from 'node:fs'
import path from 'node:path'

import { buildTs, kRoot, main, run } from './common.mjs'

main(() => {
  if (!fs.existsSync(path.join(kRoot, 'node_modules', '@napi-rs', 'cli'))) {
    run('npm', ['ci', '--no-audit', '--no-fund'], { ...process.env, CALOR_SETUP: '1' })
  }
  run(process.execPath, [path.join(kRoot, 'scripts', 'build-native.mjs')])
  buildTs()
})
