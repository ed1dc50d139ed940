#!/usr/bin/env node
/** The `calor` bin: a shim over cli/main.ts. */
import { cli } from './cli/main.js'

await cli(process.argv.slice(2))
