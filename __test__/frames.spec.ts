import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import pngjs from 'pngjs'
import { describe, expect, it } from 'vitest'

import { AbortError, solve, Solver, type SolveOptions } from 'calor'

import { sameBits } from './helpers.js'

const { PNG } = pngjs
const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'calor-frames-'))

/** Decodes a PNG file: width, height and a pixel reader returning [r, g, b]. */
function readPng(file: string) {
  const png = PNG.sync.read(readFileSync(file))
  const pixel = (x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)]
  return { width: png.width, height: png.height, pixel }
}

/** The chunks of a PNG file, in order: type and data. */
function chunks(file: string): { type: string; data: Buffer }[] {
  const bytes = readFileSync(file)
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  const out = []
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at)
    out.push({ type: bytes.toString('latin1', at + 4, at + 8), data: bytes.subarray(at + 8, at + 8 + length) })
    at += 12 + length
  }
  return out
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'frames.json'), 'utf8'))

// A 7 × 5 grid, cold (0) everywhere except a hot (1) interior node at i = 1, j = 3.
const [nx, ny] = [7, 5]
const hotSpot = () => {
  const initial = new Float64Array(nx * ny)
  initial[3 * nx + 1] = 1
  return initial
}
const base = (dir: string, frames: Partial<NonNullable<SolveOptions['frames']>> = {}): SolveOptions => ({
  grid: { nx, ny },
  initial: hotSpot(),
  steps: 10,
  threads: 2,
  frames: { dir, every: 4, ...frames },
})

describe('frames', () => {
  it('writes images scaled by blocks, y up, with the colour map ends at the hot and cold points', async () => {
    const dir = tempDir()
    await solve(base(dir, { scale: 3, colormap: 'viridis' }))
    const first = readPng(path.join(dir, 'frame-00000.png'))
    expect([first.width, first.height]).toEqual([21, 15])
    // Node (1, 3) is drawn in pixel rows (ny − 1 − 3)·3 … +2 = 3…5 and columns 3…5: all the hot end.
    for (const [x, y] of [
      [3, 3],
      [5, 5],
      [4, 4],
    ]) {
      expect(first.pixel(x, y), `pixel (${x}, ${y})`).toEqual([0xfd, 0xe7, 0x25])
    }
    // Its mirror image in y (row j = 1, pixel rows 9…11) and a corner are cold.
    expect(first.pixel(4, 10)).toEqual([0x44, 0x01, 0x54])
    expect(first.pixel(0, 14)).toEqual([0x44, 0x01, 0x54])
  })

  it('writes a frame every `every` steps plus the first and last, and a manifest of them', async () => {
    const dir = tempDir()
    const result = await solve(base(dir, { colormap: 'gray' }))
    const manifest = manifestOf(dir)
    expect(manifest.frames.map((f: { step: number }) => f.step)).toEqual([0, 4, 8, 10])
    expect(manifest.frames.map((f: { file: string }) => f.file)).toEqual([
      'frame-00000.png',
      'frame-00001.png',
      'frame-00002.png',
      'frame-00003.png',
    ])
    expect(manifest.frames[1].t).toBe(4 * result.dt)
    expect(manifest.frames[3].t).toBe(result.t)
    const last = manifest.frames[3]
    expect([last.min, last.max]).toEqual([Math.min(...result.field), Math.max(...result.field)])
    expect(manifest).toMatchObject({
      grid: { nx, ny, lx: 1, ly: 1 },
      colormap: 'gray',
      range: [0, 1],
      rangeMode: 'fixed',
      scale: 1,
      width: nx,
      height: ny,
      animation: null,
    })
    expect(readdirSync(dir).sort()).toEqual([...manifest.frames.map((f: { file: string }) => f.file), 'frames.json'])
    // The fixed range [0, 1] holds for the last frame too: its hottest node is a dark grey.
    const image = readPng(path.join(dir, last.file))
    const k = result.field.indexOf(last.max)
    const grey = Math.round(last.max * 255)
    expect(grey).toBeLessThan(128)
    expect(image.pixel(k % nx, ny - 1 - Math.floor(k / nx))).toEqual([grey, grey, grey])
  })

  it("with range 'auto' stretches every frame to its own min and max", async () => {
    const dir = tempDir()
    await solve(base(dir, { colormap: 'gray', range: 'auto' }))
    const manifest = manifestOf(dir)
    expect(manifest.range).toBe('auto')
    for (const frame of manifest.frames) {
      expect(frame.range).toEqual([frame.min, frame.max])
      const image = readPng(path.join(dir, frame.file))
      const greys = Array.from({ length: nx * ny }, (_, k) => image.pixel(k % nx, Math.floor(k / nx))[0])
      expect([Math.min(...greys), Math.max(...greys)], frame.file).toEqual([0, 255])
    }
    expect(manifest.frames[3].max).toBeLessThan(0.1)
  })

  it('clamps values outside a given range', async () => {
    const dir = tempDir()
    await solve({ ...base(dir, { colormap: 'gray', range: [-1, 0.5] }), steps: 0 })
    const image = readPng(path.join(dir, 'frame-00000.png'))
    expect(image.pixel(1, 1)).toEqual([255, 255, 255])
    expect(image.pixel(0, 0)).toEqual([170, 170, 170])
    expect(manifestOf(dir)).toMatchObject({ range: [-1, 0.5], rangeMode: 'given' })
  })

  it('writes an APNG with one fcTL per frame, whose default image is the first frame', async () => {
    const dir = tempDir()
    await solve(base(dir, { animation: true, fps: 10 }))
    const manifest = manifestOf(dir)
    expect(manifest.animation).toBe('animation.png')
    const list = chunks(path.join(dir, 'animation.png'))
    const actl = list.find((c) => c.type === 'acTL')
    expect(actl?.data.readUInt32BE(0)).toBe(4)
    const fctl = list.filter((c) => c.type === 'fcTL')
    expect(fctl).toHaveLength(4)
    expect(fctl.map((c) => [c.data.readUInt16BE(20), c.data.readUInt16BE(22)])).toEqual(Array(4).fill([1, 10]))
    expect(list.filter((c) => c.type === 'fdAT').length).toBeGreaterThanOrEqual(3)
    const animation = readPng(path.join(dir, 'animation.png'))
    const first = readPng(path.join(dir, 'frame-00000.png'))
    for (const [x, y] of [
      [1, 1],
      [0, 0],
      [3, 2],
    ]) {
      expect(animation.pixel(x, y)).toEqual(first.pixel(x, y))
    }
  })

  it.each([
    { backend: 'native', threads: 1 },
    { backend: 'js', threads: 3 },
  ] as const)('does not change the field by a single bit ($backend, $threads threads)', async (run) => {
    const options = { grid: { nx: 33, ny: 21 }, initial: (x: number, y: number) => x * (1 - y), steps: 57, ...run }
    const plain = await solve(options)
    const framed = await solve({ ...options, frames: { dir: tempDir(), every: 5, animation: true } })
    expect(sameBits(plain.field, framed.field)).toBe(true)
  })

  it('keeps one frame per step across several advance() calls of a Solver', async () => {
    const dir = tempDir()
    const solver = await Solver.create({ grid: { nx, ny }, initial: hotSpot(), frames: { dir, every: 3 } })
    await solver.advance({ steps: 3 })
    await solver.advance({ steps: 4 })
    await solver.close()
    expect(manifestOf(dir).frames.map((f: { step: number }) => f.step)).toEqual([0, 3, 6, 7])
  })

  it('keeps the frames so far and writes the manifest when the run is aborted', async () => {
    const dir = tempDir()
    const controller = new AbortController()
    const run = solve({
      grid: { nx: 64, ny: 64 },
      initial: 1,
      steps: 10_000_000,
      frames: { dir, every: 1000 },
      signal: controller.signal,
      onProgress: ({ step }) => step >= 3000 && controller.abort(new Error('enough')),
    })
    await expect(run).rejects.toThrow(AbortError)
    const steps = manifestOf(dir).frames.map((f: { step: number }) => f.step)
    expect(steps.slice(0, 4)).toEqual([0, 1000, 2000, 3000])
  })

  it.each([
    [{ dir: '' }, 'options.frames.dir must be a non-empty string (a directory), got ""'],
    [{ dir: 'x', every: 0 }, 'options.frames.every must be an integer >= 1, got 0'],
    [
      { dir: 'x', colormap: 'jet' },
      "options.frames.colormap must be one of 'inferno', 'viridis', 'magma', 'plasma', 'turbo', 'coolwarm', 'gray', got \"jet\"",
    ],
    [
      { dir: 'x', range: [1, 0] },
      "options.frames.range must be [min, max] with min < max, 'fixed' or 'auto', got [1, 0]",
    ],
    [
      { dir: 'x', range: 'full' },
      "options.frames.range must be [min, max] with min < max, 'fixed' or 'auto', got \"full\"",
    ],
    [{ dir: 'x', scale: 1.5 }, 'options.frames.scale must be an integer >= 1, got 1.5'],
    [
      { dir: 'x', scale: 5000 },
      'options.frames.scale (5000) makes 35000×25000 images; the largest side allowed is 32768 pixels',
    ],
    [{ dir: 'x', animation: 'yes' }, 'options.frames.animation must be true or false, got "yes"'],
    [{ dir: 'x', fps: 0 }, 'options.frames.fps must be an integer >= 1, got 0'],
    [
      { dir: 'x', every: 2, size: 3 },
      'Unknown option options.frames.size; expected one of dir, every, colormap, range, scale, animation, fps',
    ],
    ['out', 'options.frames must be an object such as { dir: \'out\' }, got "out"'],
  ])('refuses %j', async (frames, message) => {
    const options = { grid: { nx, ny }, steps: 1, frames } as unknown as SolveOptions
    await expect(solve(options)).rejects.toThrow(message)
    await expect(Solver.create(options)).rejects.toThrow(message)
  })

  it('rejects with the first frame that cannot be written', async () => {
    const parent = tempDir()
    const dir = path.join(parent, 'frames')
    let moved = false
    const run = solve({
      grid: { nx: 64, ny: 64 },
      initial: 1,
      steps: 2000,
      frames: { dir, every: 10 },
      // The directory goes away mid-run in one atomic step: removing it could race the encoder writing a
      // frame into it (ENOTEMPTY), a rename cannot.
      onProgress: () => {
        if (!moved) renameSync(dir, path.join(parent, 'gone'))
        moved = true
      },
    })
    await expect(run).rejects.toThrow(/^frames: cannot write frame-\d{5}\.png: .*No such file or directory/)
    rmSync(parent, { recursive: true, force: true })
  })

  it('fails before any step when the directory cannot be made', async () => {
    const file = path.join(tempDir(), 'a-file')
    writeFileSync(file, '')
    const options = { grid: { nx, ny }, steps: 1, frames: { dir: path.join(file, 'frames') } }
    await expect(solve(options)).rejects.toThrow(`options.frames.dir: cannot create ${path.join(file, 'frames')}`)
  })
})
