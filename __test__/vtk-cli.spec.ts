// `calor run --vtk DIR`: the files and collection it writes hold the field solve() gives, the flags are
// checked before any step, and library messages name the flags.
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { solve } from 'calor'

import { sameBits } from './helpers.js'
import { readPvd, readVti } from './vtk-xml.js'

const kCli = path.join(import.meta.dirname, '..', 'dist', 'cli.js')
const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'calor-vtk-cli-'))

function calor(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [kCli, ...args], { env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ status: error ? (error.code as number) : 0, stdout, stderr })
    })
  })
}

describe('calor run --vtk', () => {
  it('writes the files of the first, every N-th and last step, the last one the field solve() gives', async () => {
    const dir = path.join(tempDir(), 'vtk')
    const args = ['--nx', '9', '--ny', '7', '--lx', '2', '--steps', '12', '--initial', 'hotspot', '--quiet']
    const { status, stdout } = await calor('run', ...args, '--vtk', dir, '--vtk-every', '5', '--vtk-encoding', 'base64')
    expect(status).toBe(0)
    expect(stdout).toMatch(/; 4 VTK files in .*vtk\/ \(u\.pvd\)\n$/)
    const entries = readPvd(readFileSync(path.join(dir, 'u.pvd')))
    expect(entries.map((e) => e.file)).toEqual(['u_000000.vti', 'u_000005.vti', 'u_000010.vti', 'u_000012.vti'])
    const { preset } = await import('../dist/cli/presets.js')
    const grid = { nx: 9, ny: 7, lx: 2, ly: 1 }
    const expected = await solve({ grid, initial: preset('hotspot', grid, 1), steps: 12 })
    expect(entries.at(-1)!.t).toBe(expected.t)
    const last = readVti(readFileSync(path.join(dir, 'u_000012.vti')))
    expect(sameBits(last.u, expected.field)).toBe(true)
    expect(last.spacing).toBe(`0.25 ${1 / 6} 0.25`)
  })

  it('--json names the VTK directory', async () => {
    const dir = tempDir()
    const { status, stdout } = await calor('run', '--nx', '5', '--steps', '2', '--vtk', dir, '--json')
    expect(status).toBe(0)
    expect(JSON.parse(stdout).files).toEqual({ field: null, frames: null, vtk: dir, probes: null })
  })

  it.each([
    [['--vtk-every', '5'], 'calor: --vtk-every needs --vtk DIR (see calor run --help)'],
    [['--vtk-encoding', 'raw'], 'calor: --vtk-encoding needs --vtk DIR (see calor run --help)'],
    [['--vtk', 'd', '--vtk-every', '0'], "calor: --vtk-every must be an integer >= 1, got '0' (see calor run --help)"],
    [
      ['--vtk', 'd', '--vtk-encoding', 'ascii'],
      "calor: --vtk-encoding must be one of raw, base64, got 'ascii' (see calor run --help)",
    ],
  ])('exits with 2 and names the flag: %j', async (args, message) => {
    const { status, stderr } = await calor('run', '--nx', '5', '--steps', '1', ...args)
    expect(status).toBe(2)
    expect(stderr.trim()).toBe(message)
  })

  it('refuses a file as the directory, and says where a directory cannot be made', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'file')
    writeFileSync(file, '')
    const asFile = await calor('run', '--nx', '5', '--steps', '1', '--vtk', file)
    expect(asFile.status).toBe(2)
    expect(asFile.stderr).toMatch(/^calor: --vtk must name a directory, got the file '.*file'/)
    const below = await calor('run', '--nx', '5', '--steps', '1', '--vtk', path.join(file, 'vtk'))
    expect(below.status).toBe(1)
    expect(below.stderr).toMatch(/^calor: --vtk: cannot create .*ENOTDIR/)
  })

  it('stops cleanly on SIGINT, leaving a collection of whole files', async () => {
    const dir = tempDir()
    const args = ['run', '--nx', '64', '--steps', '100000000', '--vtk', dir, '--vtk-every', '50']
    const child = spawn(process.execPath, [kCli, ...args], { env: { ...process.env, NO_COLOR: '1' } })
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      if (stderr === '') child.kill('SIGINT') // the first progress line: the run is under way
      stderr += chunk
    })
    const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code)))
    expect(status).toBe(130)
    expect(stderr).toMatch(/calor: interrupted at step \d+; VTK files so far in .* \(see u\.pvd\)\n$/)
    const entries = readPvd(readFileSync(path.join(dir, 'u.pvd')))
    expect(entries[0]).toEqual({ t: 0, file: 'u_000000.vti' })
    for (const e of entries) expect(readVti(readFileSync(path.join(dir, e.file))).u.length).toBe(64 * 64)
  })

  it('lists the flags in --help with their defaults', async () => {
    const { stdout } = await calor('run', '--help')
    expect(stdout).toMatch(
      /--vtk DIR +write VTK ImageData \(\.vti\) files and u\.pvd into DIR \(ParaView\) \(default: none\)/,
    )
    expect(stdout).toMatch(/--vtk-every N +a \.vti file every N steps \(and the first and last\) \(default: 100\)/)
    expect(stdout).toMatch(
      /--vtk-encoding raw\|base64 +binary appended after the XML, or inline base64 \(default: raw\)/,
    )
  })
})
