/**
 * Calor installed the way a user installs it, into a fresh project outside the repository: from the
 * packed tarballs (calor plus its per-platform addon package, napi's layout), and from git, which builds
 * in `prepare`. Each install must give a working `import { solve } from 'calor'`, `require('calor')` and
 * `npx calor run`, or fail loudly: a git install without cargo says that it needs cargo.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const exec = promisify(execFile)
const kRoot = path.resolve(import.meta.dirname, '..')
const kAddon = 'calor.linux-x64-gnu.node'
const kInstallMs = 240_000
// npm and the builds it starts run at a lower priority, so that they slow the other test files (which
// run at the same time and time out hung children) as little as possible.
const kNpmFlags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']

/** One step of a unit spike at the centre of a 5×5 plate with cold edges, on both backends. */
const kSpikeScript = `import { solve } from 'calor'
const initial = new Float64Array(25)
initial[12] = 1
const runs = []
for (const backend of ['native', 'js']) {
  for (const threads of [1, 2]) {
    const r = await solve({ grid: { nx: 5, ny: 5 }, initial, dt: 0.01, steps: 1, backend, threads })
    runs.push({ backend: r.stats.backend, threads, centre: r.field[12], east: r.field[13], corner: r.field[18] })
  }
}
console.log(JSON.stringify(runs))
`

interface Project {
  dir: string
  npm: (...args: string[]) => Promise<{ stdout: string; stderr: string }>
  node: (...args: string[]) => Promise<string>
}

/** An empty npm project in a temporary directory. */
async function freshProject(env: NodeJS.ProcessEnv = process.env): Promise<Project> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calor-install-'))
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "user-project", "version": "1.0.0", "private": true }\n')
  fs.writeFileSync(path.join(dir, 'spike.mjs'), kSpikeScript)
  const npm = (...args: string[]) => exec('nice', ['-n', '10', 'npm', ...args], { cwd: dir, env, encoding: 'utf8' })
  const node = async (...args: string[]) => (await exec(process.execPath, args, { cwd: dir, encoding: 'utf8' })).stdout
  return { dir, npm, node }
}

/** The installed package computes the exact one-step answer: centre 1 − 4r, neighbours r, corners 0. */
async function expectWorkingInstall(project: Project) {
  const r = 0.01 / 0.25 ** 2
  const runs = JSON.parse(await project.node('spike.mjs'))
  expect(runs.map((run: { backend: string }) => run.backend)).toEqual(['native', 'native', 'js', 'js'])
  for (const run of runs) {
    expect(run.centre).toBeCloseTo(1 - 4 * r, 14)
    expect(run.east).toBeCloseTo(r, 14)
    expect(run.corner).toBe(0)
  }
  const cjs = await project.node('-e', "const c = require('calor'); console.log(typeof c.solve, typeof c.Solver)")
  expect(cjs.trim()).toBe('function function')
  expect((await project.node('-p', "require('calor/package.json').version")).trim()).toBe(packageVersion())
  const out = path.join(project.dir, 'final.npy')
  const { stdout } = await project.npm(
    'exec',
    '--',
    'calor',
    'run',
    '--nx',
    '17',
    '--steps',
    '5',
    '--out',
    out,
    '--quiet',
  )
  expect(stdout).toMatch(/^done: 5 steps of 17×17/m)
  expect(fs.statSync(out).size).toBe(128 + 17 * 17 * 8)
}

const packageVersion = () => JSON.parse(fs.readFileSync(path.join(kRoot, 'package.json'), 'utf8')).version as string

/** `npm pack` of a directory into `dest`; returns the tarball's path. */
async function pack(dir: string, dest: string): Promise<string> {
  const { stdout } = await exec('nice', ['-n', '10', 'npm', 'pack', '--pack-destination', dest, '--loglevel=error'], {
    cwd: dir,
    encoding: 'utf8',
  })
  return path.join(dest, stdout.trim().split('\n').at(-1) as string)
}

const headCommit = async () =>
  (await exec('git', ['rev-parse', 'HEAD'], { cwd: kRoot, encoding: 'utf8' })).stdout.trim()

describe('installed from the packed tarballs', () => {
  let tarballs: { main: string; platform: string }
  let project: Project
  const dirs: string[] = []

  beforeAll(async () => {
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'calor-pack-'))
    dirs.push(dest)
    tarballs = { main: await pack(kRoot, dest), platform: '' }
    tarballs.platform = await pack(path.join(kRoot, 'npm', 'linux-x64-gnu'), dest)
    project = await freshProject()
    dirs.push(project.dir)
    await project.npm('install', ...kNpmFlags, tarballs.platform, tarballs.main)
  }, kInstallMs)
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })))

  it('ships dist/, the TypeScript sources of its source maps, the addon and the benchmark', async () => {
    const { stdout } = await exec('tar', ['-tzf', tarballs.main], { encoding: 'utf8' })
    const files = stdout.split('\n').map((f) => f.replace(/^package\//, ''))
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'lib/index.ts', `crate/${kAddon}`]) {
      expect(files).toContain(f)
    }
    expect(files).toContain('bench/run.mjs')
    expect(files).toContain('bench/reference/stencil.c')
    expect(files).toContain('LICENSE')
    const mapDir = path.join(project.dir, 'node_modules/calor/dist/api')
    const map = JSON.parse(fs.readFileSync(path.join(mapDir, 'solver.js.map'), 'utf8'))
    for (const source of map.sources) expect(fs.existsSync(path.resolve(mapDir, source)), source).toBe(true)
  })

  it('imports, requires and runs from the command line', () => expectWorkingInstall(project), kInstallMs)

  it(
    'benchmarks into the current directory with the packaged C yardstick, not into node_modules',
    async () => {
      const quick = ['--quick', '--sizes', '130', '--threads', '1', '--backends', 'native', '--bandwidth-mb', '0']
      await project.npm('exec', '--', 'calor', 'bench', ...quick, '--seconds', '0.01')
      const result = JSON.parse(fs.readFileSync(path.join(project.dir, 'calor-bench', 'latest.json'), 'utf8'))
      expect(result.cells.map((c: { nodes: number }) => c.nodes)).toEqual([130])
      const yardstick = path.join(project.dir, 'node_modules', 'calor', 'bench', 'reference', 'stencil.c')
      if (result.reference.available) expect(result.reference.source).toBe(yardstick)
      else expect(result.reference.reason).toBe('gcc not found on the PATH, so the C columns stay empty')
      expect(fs.existsSync(path.join(project.dir, 'node_modules', 'calor', 'bench', 'results'))).toBe(false)
    },
    kInstallMs,
  )

  it(
    'loads the addon from the per-platform package when the main package carries none',
    async () => {
      fs.rmSync(path.join(project.dir, 'node_modules', 'calor', 'crate', kAddon))
      expect(fs.existsSync(path.join(project.dir, 'node_modules', 'calor-linux-x64-gnu', kAddon))).toBe(true)
      await expectWorkingInstall(project)
    },
    kInstallMs,
  )
})

describe('installed from git', () => {
  const dirs: string[] = []
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })))

  it(
    'builds dist/ and the addon in prepare, then works',
    async () => {
      // A target directory of its own in the project's target/ keeps the dependencies compiled between runs
      // without touching the glibc-baseline build's fingerprints (which would make the next one start over).
      const target = path.join(kRoot, 'target', 'git-install')
      const project = await freshProject({ ...process.env, CARGO_TARGET_DIR: target })
      dirs.push(project.dir)
      await project.npm('install', ...kNpmFlags, `git+file://${kRoot}#${await headCommit()}`)
      await expectWorkingInstall(project)
    },
    kInstallMs,
  )

  it(
    'fails loudly, naming cargo, when Rust is not installed',
    async () => {
      const bins = [path.dirname(process.execPath), '/usr/bin', '/bin']
      const project = await freshProject({
        ...process.env,
        PATH: bins.join(path.delimiter),
        CARGO_HOME: '/nonexistent',
      })
      dirs.push(project.dir)
      const install = project.npm('install', ...kNpmFlags, `git+file://${kRoot}#${await headCommit()}`)
      await expect(install).rejects.toThrow(/building the native addon needs Rust \(cargo on the PATH/)
      expect(fs.existsSync(path.join(project.dir, 'node_modules', 'calor', 'dist'))).toBe(false)
    },
    kInstallMs,
  )
})
