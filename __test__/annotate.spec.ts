/**
 * Readable pictures: annotated frames (colour bar, range, t and step drawn beside the unchanged field
 * pixels), tEXt metadata in every frame, savePng() for any field, and a 'fixed' range for a uniform
 * initial field taken from the source and boundary (or reported as saturating), all decoded with pngjs.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import pngjs from 'pngjs'
import { describe, expect, it } from 'vitest'

import { savePng, solve, type SolveOptions } from 'calor'

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'calor-annotate-'))

/** The tEXt chunks of a PNG file, keyword → text. */
function textChunks(file: string): Record<string, string> {
  const bytes = readFileSync(file)
  const out: Record<string, string> = {}
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at)
    const type = bytes.toString('latin1', at + 4, at + 8)
    if (type === 'tEXt') {
      const data = bytes.subarray(at + 8, at + 8 + length)
      const nul = data.indexOf(0)
      out[data.toString('latin1', 0, nul)] = data.toString('latin1', nul + 1)
    }
    at += 12 + length
  }
  return out
}

const decode = (file: string) => pngjs.PNG.sync.read(readFileSync(file))
const manifestOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'frames.json'), 'utf8'))

describe('annotated frames and PNG metadata', () => {
  const base: SolveOptions = { grid: { nx: 20, ny: 12 }, initial: (x, y) => x + 2 * y, steps: 10 }

  it('draw the bar, range and caption beside field pixels identical to a plain frame', async () => {
    const [plain, annotated] = [tempDir(), tempDir()]
    await solve({ ...base, frames: { dir: plain, every: 5, scale: 2 } })
    await solve({ ...base, frames: { dir: annotated, every: 5, scale: 2, annotate: true } })
    const [a, b] = [decode(path.join(plain, 'frame-00001.png')), decode(path.join(annotated, 'frame-00001.png'))]
    expect([a.width, a.height]).toEqual([40, 24])
    expect(b.width).toBeGreaterThan(a.width + 12)
    expect(b.height).toBeGreaterThan(a.height + 8)
    for (let y = 0; y < a.height; y++) {
      const row = (png: typeof a, width: number) => png.data.subarray(y * width * 4, (y * width + a.width) * 4)
      expect(Buffer.compare(row(a, a.width), row(b, b.width)), `row ${y}`).toBe(0)
    }
    const caption = b.data.subarray(a.height * b.width * 4) // below the field: the caption's ink is black
    expect(caption.some((v, k) => k % 4 !== 3 && v === 0)).toBe(true)
    expect(manifestOf(annotated)).toMatchObject({ annotate: true, saturated: false })
  })

  it('every frame carries t, step and its range as tEXt', async () => {
    const dir = tempDir()
    const result = await solve({ ...base, frames: { dir, every: 5, range: [-1, 4] } })
    const frames = manifestOf(dir).frames as { file: string; step: number; t: number }[]
    expect(frames.map((f) => f.step)).toEqual([0, 5, 10])
    for (const frame of frames) {
      const text = textChunks(path.join(dir, frame.file))
      expect(text).toEqual({ Software: 'calor', t: String(frame.t), step: String(frame.step), range: '-1 4' })
    }
    expect(Number(textChunks(path.join(dir, frames[2].file)).t)).toBe(result.t)
  })

  it('savePng writes any field, with its own range unless given', async () => {
    const dir = tempDir()
    const field = Float64Array.from({ length: 6 * 4 }, (_, k) => k)
    const stats = await savePng(field, { nx: 6, ny: 4 }, { file: path.join(dir, 'u.png'), t: 0.25, step: 3 })
    expect(stats).toMatchObject({ min: 0, max: 23, lo: 0, hi: 23 })
    const png = decode(path.join(dir, 'u.png'))
    expect([png.width, png.height]).toEqual([6, 4])
    expect(textChunks(path.join(dir, 'u.png'))).toMatchObject({ t: '0.25', step: '3', range: '0 23' })
    await savePng(field, { nx: 6, ny: 4 }, { file: path.join(dir, 'a.png'), annotate: true, colormap: 'gray' })
    expect(decode(path.join(dir, 'a.png')).width).toBeGreaterThan(6)
  })

  it.each([
    [{ file: '' }, 'savePng: options.file must be a non-empty string (a path), got ""'],
    [{ file: 'x.png', range: [1, 1] }, 'savePng: options.range must be [min, max] of finite numbers with min < max'],
    [{ file: 'x.png', colormap: 'jet' }, 'savePng: options.colormap must be one of inferno'],
    [{ file: 'x.png', bogus: 1 }, 'Unknown option savePng: options.bogus'],
  ])('savePng refuses %j', async (options, message) => {
    await expect(savePng(new Float64Array(4), { nx: 2, ny: 2 }, options as never)).rejects.toThrow(message)
  })

  it('refuses a non-boolean annotate', async () => {
    await expect(solve({ ...base, frames: { dir: tempDir(), annotate: 'yes' as never } })).rejects.toThrow(
      'options.frames.annotate must be true or false, got "yes"',
    )
  })
})

describe("a 'fixed' range for a uniform initial field", () => {
  it('is bounded by the source and the held boundary, and no frame saturates', async () => {
    const dir = tempDir()
    const [alpha, f] = [0.5, 3]
    // Held at 2 on every side, heated by f: u stays in [2, 2 + f·l²/(8α)] (l = 1, the shorter side).
    const result = await solve({
      grid: { nx: 17, ny: 33, lx: 1, ly: 2 },
      diffusivity: alpha,
      initial: 2,
      boundary: { type: 'dirichlet', value: 2 },
      source: f,
      tEnd: 2,
      frames: { dir, every: 2000 },
    })
    const manifest = manifestOf(dir)
    expect(manifest.range).toEqual([2, 2 + (f * 1) / (8 * alpha)])
    expect(manifest.rangeNote).toContain('the initial field is uniform (2)')
    expect(Math.max(...result.field)).toBeGreaterThan(2 + 0.9 * (f / (8 * alpha)) * 0.5) // it did heat up
    expect(manifest.saturated).toBe(false)
  })

  it('with no bound, is v ± ½ and the manifest says the frames saturated', async () => {
    const dir = tempDir()
    await solve({
      grid: { nx: 9, ny: 9 },
      initial: 1,
      boundary: { type: 'neumann' },
      source: 40,
      steps: 200,
      frames: { dir, every: 100 },
    })
    const manifest = manifestOf(dir)
    expect(manifest.range).toEqual([0.5, 1.5])
    expect(manifest.rangeNote).toContain('frames outside it are marked saturated')
    expect(manifest.frames.map((frame: { saturated: boolean }) => frame.saturated)).toEqual([false, true, true])
    expect(manifest.saturated).toBe(true)
  })
})
