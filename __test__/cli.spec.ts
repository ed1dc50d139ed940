import { execFile, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import pngjs from 'pngjs'
import { describe, expect, it } from 'vitest'

import { readNpy, solve, writeNpy } from 'calor'

import { sameBits } from './helpers.js'

const kCli = path.join(import.meta.dirname, '..', 'dist', 'cli.js')
const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'calor-cli-'))

/** Runs the CLI to completion: exit status, stdout and stderr. */
function calor(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [kCli, ...args], { env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ status: error ? (error.code as number) : 0, stdout, stderr })
    })
  })
}

describe('calor CLI', () => {
  it('--help lists every flag with its default', async () => {
    const { status, stdout } = await calor('run', '--help')
    expect(status).toBe(0)
    const flags = [
      'nx', 'ny', 'lx', 'ly', 'diffusivity', 'steps', 't-end', 'dt', 'threads', 'backend', 'boundary', 'left',
      'right', 'bottom', 'top', 'initial', 'seed', 'source', 'out', 'frames', 'every', 'colormap', 'range', 'scale',
      'animation', 'fps', 'quiet', 'help',
    ] // prettier-ignore
    for (const flag of flags) expect(stdout, flag).toMatch(new RegExp(`--${flag}\\b.*\\(default: [^)]+\\)\\n`))
    expect(stdout).toMatch(/--nx N +nodes along x \(default: 129\)/)
    expect(stdout).toMatch(
      /--colormap NAME +inferno, viridis, magma, plasma, turbo, coolwarm, gray \(default: inferno\)/,
    )
  })

  it.each([
    [['--bogus'], 'calor: unknown flag --bogus (see calor run --help)'],
    [['--nx', '2'], "calor: --nx must be an integer >= 3, got '2' (see calor run --help)"],
    [['--steps'], 'calor: --steps needs a value (see calor run --help)'],
    [['--backend', 'gpu'], "calor: --backend must be one of native, js, got 'gpu' (see calor run --help)"],
    [['--every', '5'], 'calor: --every needs --frames DIR (see calor run --help)'],
    [['--left', 'neumann:x'], "calor: --left must be a number, got 'x' (see calor run --help)"],
    [['--nx', '33', '--dt', '1'], 'calor: --dt (1) exceeds the stable limit 1/(2α(1/dx² + 1/dy²)) = 0.000244140625'],
    [['--seed', '3'], 'calor: --seed needs --initial random (see calor run --help)'],
  ])('exits with 2 and names the flag: %j', async (args, message) => {
    const { status, stdout, stderr } = await calor('run', ...args)
    expect(status).toBe(2)
    expect(stderr).toContain(message)
    expect(stdout).toBe('')
  })

  it('exits with 1, not 2, when the run itself fails (a field that blows up is no bad flag)', async () => {
    const { status, stderr } = await calor('run', '--nx', '9', '--source', '1.7e308', '--boundary', 'neumann')
    expect(status).toBe(1)
    expect(stderr).toMatch(/^calor: the field became non-finite at step \d+: node \(\d+, \d+\) is -?Infinity\n$/)
  })

  it('refuses an initial state of the wrong dtype or shape with status 2', async () => {
    const f4 = path.join(import.meta.dirname, 'fixtures', 'f4-2x3.npy')
    const dtype = await calor('run', '--initial', f4, '--nx', '3')
    expect([dtype.status, dtype.stderr]).toEqual([
      2,
      `calor: --initial: ${f4}: dtype must be '<f8' (float64, little-endian), got '<f4' (see calor run --help)\n`,
    ])
    const f8 = path.join(import.meta.dirname, 'fixtures', 'f8-2x3.npy')
    const shape = await calor('run', '--initial', f8, '--nx', '5')
    expect(shape.status).toBe(2)
    expect(shape.stderr).toContain(`--initial ${f8} has shape (2, 3), expected (ny, nx) = (2, 5)`)
  })

  it('runs a small problem, writing frames and the same field as solve()', async () => {
    const dir = tempDir()
    const initial = Float64Array.from({ length: 7 * 9 }, (_, k) => Math.cos(k) ** 2)
    await writeNpy(path.join(dir, 'in.npy'), initial, [7, 9])
    const frames = path.join(dir, 'frames')
    const out = path.join(dir, 'out.npy')
    const args = ['--nx', '9', '--ny', '7', '--steps', '20', '--boundary', 'neumann', '--top', 'dirichlet:2']
    const { status, stdout } = await calor('run', ...args, '--initial', path.join(dir, 'in.npy'), '--threads', '2',
      '--frames', frames, '--every', '10', '--scale', '2', '--animation', '--out', out, '--quiet') // prettier-ignore
    expect(status).toBe(0)
    expect(stdout).toMatch(/^done: 20 steps of 9×7 to t = .* M updates\/s \(native, 2 threads\); 3 frames in .*frames\/ \(frames\.json \+ animation\.png\), field in .*out\.npy\n$/) // prettier-ignore
    const manifest = JSON.parse(readFileSync(path.join(frames, 'frames.json'), 'utf8'))
    expect(manifest.frames.map((f: { step: number }) => f.step)).toEqual([0, 10, 20])
    const png = pngjs.PNG.sync.read(readFileSync(path.join(frames, 'frame-00002.png')))
    expect([png.width, png.height]).toEqual([18, 14])
    const expected = await solve({
      grid: { nx: 9, ny: 7 },
      initial,
      steps: 20,
      boundary: { left: { type: 'neumann' }, right: { type: 'neumann' }, bottom: { type: 'neumann' }, top: { type: 'dirichlet', value: 2 } }, // prettier-ignore
    })
    const written = await readNpy(out)
    expect(written.shape).toEqual([7, 9])
    expect(sameBits(written.data, expected.field)).toBe(true)
  })

  it('starts from the named presets', async () => {
    const dir = tempDir()
    const n = 33 // node 16 sits at x = y = 0.5, node 26 at 0.8125 (0.3125 from the centre)
    const field = async (name: string) => {
      const out = path.join(dir, `${name}.npy`)
      const { status } = await calor('run', '--nx', String(n), '--steps', '0', '--initial', name, '--out', out)
      expect(status, name).toBe(0)
      const { data } = await readNpy(out)
      return (i: number, j: number) => data[j * n + i]
    }
    const [hotspot, sine, square, ring] = await Promise.all(['hotspot', 'sine', 'square', 'ring'].map(field))
    expect([hotspot(16, 16), sine(16, 16), square(16, 16), square(4, 16)]).toEqual([1, 1, 1, 0])
    expect(hotspot(16, 26)).toBeCloseTo(Math.exp(-(0.3125 ** 2) / (2 * 0.05 ** 2)), 15)
    expect(ring(16, 26)).toBeCloseTo(Math.exp(-((0.3125 - 0.3) ** 2) / (2 * 0.04 ** 2)), 15)
    expect(ring(16, 16)).toBeLessThan(1e-10)
  })

  it('seeds the random initial state reproducibly', async () => {
    const dir = tempDir()
    const run = (seed: string, name: string) =>
      calor('run', '--nx', '8', '--steps', '0', '--initial', 'random', '--seed', seed, '--out', path.join(dir, name))
    await Promise.all([run('5', 'a.npy'), run('5', 'b.npy'), run('6', 'c.npy')])
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => readNpy(path.join(dir, `${n}.npy`))))
    expect(sameBits(a.data, b.data)).toBe(true)
    expect(sameBits(a.data, c.data)).toBe(false)
    expect(a.data.subarray(9, 15).every((v) => v > 0 && v < 1)).toBe(true)
  })

  it('exits with 1 on a runtime failure', async () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'file'), '')
    const frames = await calor('run', '--nx', '8', '--steps', '3', '--frames', path.join(dir, 'file', 'frames'))
    expect(frames.status).toBe(1)
    expect(frames.stderr).toMatch(/^calor: --frames: cannot create .*ENOTDIR/)
  })

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('stops cleanly on %s, keeping the frames so far and their manifest', async (signal, code) => {
    const dir = tempDir()
    const child = spawn(process.execPath, [kCli, 'run', '--nx', '64', '--steps', '100000000', '--frames', dir], {
      env: { ...process.env, NO_COLOR: '1' },
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      if (stderr === '') child.kill(signal) // the first progress line: the run is under way
      stderr += chunk
    })
    const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code)))
    expect(status).toBe(code)
    expect(stderr).toMatch(/calor: interrupted at step \d+; frames so far in .* \(see frames\.json\)\n$/)
    const manifest = JSON.parse(readFileSync(path.join(dir, 'frames.json'), 'utf8'))
    expect(manifest.frames[0]).toMatchObject({ file: 'frame-00000.png', step: 0 })
  })
})

describe('calor run habits', () => {
  const dir = tempDir()
  writeFileSync(path.join(dir, 'file'), '')
  mkdirSync(path.join(dir, 'taken.npy'))
  const file = path.join(dir, 'file')

  it.each([
    [['--nx', '0x10'], "--nx must be an integer >= 3, got '0x10'"],
    [['--nx', ' 17'], "--nx must be an integer >= 3, got ' 17'"],
    [['--nx', ''], "--nx must be an integer >= 3, got ''"],
    [['--dt', '1e'], "--dt must be a number, got '1e'"],
    [['--lx', 'Infinity'], "--lx must be a number, got 'Infinity'"],
    [['--left', 'dirichlet:0x1'], "--left must be a number, got '0x1'"],
    [['--nx', '1e9', '--ny', '5'], '--nx and --ny (nx 1000000000 × ny 5) needs'],
    [['--nx', '1e9'], '--nx (nx 1000000000 × ny 1000000000) needs'],
    [['--left', 'periodic'], '--left and --right must both be periodic or neither, got periodic and dirichlet'],
    [['--frames', file], `--frames must name a directory, got the file '${file}'`],
    [
      ['--out', path.join(dir, 'taken.npy')],
      `--out must name a file, got the directory '${path.join(dir, 'taken.npy')}'`,
    ],
    [['--out', path.join(file, 'x.npy')], `--out: ${file} is not a directory`],
    [['--out', path.join(dir, 'none', 'x.npy')], `--out: ${path.join(dir, 'none')} does not exist`],
    [['--probe', '0.5'], "--probe must be X,Y (a point of the domain), got '0.5'"],
    [['--probe', '0.5,x', '--json'], "--probe must be a number, got 'x'"],
    [['--probe', '0.5,0.5'], '--probe needs --probe-out FILE or --json'],
    [['--probe-out', 'p.csv'], '--probe-out needs --probe X,Y'],
    [['--annotate'], '--annotate needs --frames DIR'],
    [['--probe', '1.5,0.5', '--json'], "--probe (point 1) x must be a number in [0, 1] (the grid's x extent), got 1.5"],
    [['--probe', '0,0', '--probe-every', '0', '--json'], "--probe-every must be an integer >= 1, got '0'"],
    [['--temporal-blocking', '65'], "--temporal-blocking must be auto or an integer from 1 to 64, got '65'"],
    [['--checkpoint', path.join(dir, 'c.bin')], '--checkpoint needs --checkpoint-every N'],
    [['--checkpoint-every', '5'], '--checkpoint-every needs --checkpoint FILE'],
    [['--resume', path.join(dir, 'none.bin')], `--resume: no checkpoint file '${path.join(dir, 'none.bin')}'`],
  ])('refuses %j before the run, with status 2, naming the flag', async (args, message) => {
    const { status, stdout, stderr } = await calor('run', '--quiet', ...args)
    expect(stderr).toContain(`calor: ${message}`)
    expect([status, stdout]).toEqual([2, ''])
  })

  it('--help lists the new flags with their defaults', async () => {
    const { stdout } = await calor('run', '--help')
    const flags = [
      'annotate',
      'temporal-blocking',
      'checkpoint',
      'checkpoint-every',
      'resume',
      'probe',
      'probe-every',
      'probe-out',
      'json',
    ]
    for (const flag of flags) expect(stdout, flag).toMatch(new RegExp(`--${flag}\\b.*\\(default: [^)]+\\)\\n`))
  })

  it('calor bench --out FILE is a clear error', async () => {
    const { status, stderr } = await calor('bench', '--quick', '--out', file)
    expect([status, stderr]).toEqual([
      2,
      `calor: bench --out must name a directory, got the file '${file}' (see calor run --help)\n`,
    ])
  })

  it('--json prints one result line; --initial FILE.npy gives nx and ny; --probe writes CSV', async () => {
    const initial = Float64Array.from({ length: 5 * 7 }, (_, k) => Math.cos(k) ** 2)
    await writeNpy(path.join(dir, 'in.npy'), initial, [5, 7])
    const probeOut = path.join(dir, 'p.csv')
    const args = ['--initial', path.join(dir, 'in.npy'), '--steps', '4', '--probe', '0.5,0.5', '--probe-every', '2']
    const { status, stdout } = await calor('run', '--quiet', '--json', ...args, '--probe-out', probeOut)
    expect(status).toBe(0)
    expect(stdout.split('\n')).toHaveLength(2) // one line and its newline
    const line = JSON.parse(stdout)
    const direct = await solve({
      grid: { nx: 7, ny: 5 },
      initial,
      steps: 4,
      probes: { points: [{ x: 0.5, y: 0.5 }], every: 2 },
    })
    expect(line).toMatchObject({ status: 'done', nx: 7, ny: 5, steps: 4, t: direct.t, probes: direct.probes })
    const rows = direct.probes!.steps.map((s, n) => `${s},${direct.probes!.t[n]},${direct.probes!.series[0].values[n]}`)
    expect(readFileSync(probeOut, 'utf8')).toBe(['step,t,u(x=0.5 y=0.5)', ...rows, ''].join('\n'))
  })

  it('--checkpoint and --resume give the uninterrupted field; --temporal-blocking does not change it', async () => {
    const [checkpoint, whole, resumed, blocked] = ['c.bin', 'whole.npy', 'resumed.npy', 'blocked.npy'].map((f) =>
      path.join(dir, f),
    )
    const base = ['--quiet', '--nx', '12', '--steps', '30']
    expect(
      (await calor('run', ...base, '--out', whole, '--checkpoint', checkpoint, '--checkpoint-every', '10')).status,
    ).toBe(0)
    expect((await calor('run', ...base, '--out', resumed, '--resume', checkpoint)).status).toBe(0)
    expect((await calor('run', ...base, '--out', blocked, '--temporal-blocking', '3')).status).toBe(0)
    const [a, b, c] = await Promise.all([whole, resumed, blocked].map((f) => readNpy(f)))
    expect(sameBits(a.data, b.data)).toBe(true)
    expect(sameBits(a.data, c.data)).toBe(true)
  })
})
