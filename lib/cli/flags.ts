/**
 * The flags of `calor run`: one table gives the parser's configuration, the help text with every
 * default, and the conversion to `SolveOptions`. Flag values are checked here for their form (a
 * number, a name); the library checks the rest (stability, sizes) and its messages are renamed to
 * the flags.
 */
import type { ParseArgsConfig } from 'node:util'

import type { Boundary, Colormap, FieldInit, FramesOptions, SideBoundary, SolveOptions } from '../api/types.js'
import { kColormaps } from '../options/frames.js'
import { readNpy } from '../storage/npy.js'
import { checkFramesDir, checkWritable, extraOptions, kExtraFlags, typedNames } from './extras.js'
import { kPresets, preset, type Preset } from './presets.js'
import { type Flag, strictInteger, strictNumber, UsageError } from './usage.js'
import { kVtkFlags, kVtkOptionFlags, vtkOptions } from './vtk.js'

export { UsageError }

const kSides = ['left', 'right', 'bottom', 'top'] as const
const kSideSpec = 'dirichlet[:VALUE], neumann[:FLUX], robin:H[:AMBIENT] or periodic'
const kFrameFlags = ['every', 'colormap', 'range', 'scale', 'animation', 'fps', 'annotate'] as const

export const kRunFlags: readonly Flag[] = [
  { name: 'nx', value: 'N', default: '129', help: 'nodes along x' },
  { name: 'ny', value: 'N', default: 'nx', help: 'nodes along y' },
  { name: 'lx', value: 'L', default: '1', help: 'extent along x' },
  { name: 'ly', value: 'L', default: '1', help: 'extent along y' },
  { name: 'diffusivity', value: 'A|FILE', default: '1', help: 'diffusivity α > 0: a number or a .npy file of nodal α' },
  { name: 'steps', value: 'N', default: '1000 unless --t-end', help: 'time steps to take' },
  { name: 't-end', value: 'T', default: 'none', help: 'final time, reached exactly (instead of --steps)' },
  { name: 'dt', value: 'DT', default: '0.9 × stable limit', help: 'time step' },
  {
    name: 'threads',
    value: 'N',
    default: 'by grid size',
    help: 'worker threads (default: one per 32 768 nodes, at most one per core)',
  },
  { name: 'backend', value: 'native|js', default: 'native', help: 'Rust kernel or pure TypeScript' },
  { name: 'boundary', value: 'SPEC', default: 'dirichlet:0', help: `all four sides: ${kSideSpec}` },
  ...kSides.map((side) => ({ name: side, value: 'SPEC', default: '--boundary', help: `the ${side} side only` })),
  { name: 'initial', value: 'NAME|FILE', default: 'hotspot', help: `${kPresets.join(', ')}, or a .npy file` },
  { name: 'seed', value: 'N', default: '1', help: 'seed of --initial random' },
  { name: 'source', value: 'VALUE|FILE', default: 'none', help: 'source term f: a number or a .npy file' },
  { name: 'out', value: 'FILE', default: 'none', help: 'write the final field as .npy (float64, shape (ny, nx))' },
  { name: 'frames', value: 'DIR', default: 'none', help: 'write PNG frames and frames.json into DIR' },
  { name: 'every', value: 'N', default: '100', help: 'a frame every N steps (and the first and last)' },
  { name: 'colormap', value: 'NAME', default: 'inferno', help: kColormaps.join(', ') },
  {
    name: 'range',
    value: 'fixed|auto|MIN,MAX',
    default: 'fixed',
    help: 'colour range (fixed: from the initial field)',
  },
  { name: 'scale', value: 'N', default: '1', help: 'pixels per node in the frames' },
  { name: 'animation', default: 'off', help: 'also write DIR/animation.png, an animated PNG' },
  { name: 'fps', value: 'N', default: '15', help: 'frames per second of the animation' },
  { name: 'annotate', default: 'off', help: 'draw a colour bar, its range, t and the step into each frame' },
  ...kVtkFlags,
  ...kExtraFlags,
  { name: 'quiet', short: 'q', default: 'off', help: 'no progress output' },
  { name: 'help', short: 'h', default: 'off', help: 'show this help' },
]

/** The `options` of node:util parseArgs for `kRunFlags`. */
export function parseArgsOptions(): NonNullable<ParseArgsConfig['options']> {
  const entries = kRunFlags.map((f) => {
    const type = f.value ? ('string' as const) : ('boolean' as const)
    const multiple = f.multiple === true ? { multiple: true } : {}
    return [f.name, f.short === undefined ? { type, ...multiple } : { type, short: f.short, ...multiple }] as const
  })
  return Object.fromEntries(entries)
}

/** `calor run --help`: every flag with its default. */
export function runHelp(): string {
  const left = (f: Flag) => `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`
  const width = Math.max(...kRunFlags.map((f) => left(f).length)) + 2
  const lines = kRunFlags.map((f) => `  ${left(f).padEnd(width)}${f.help} (default: ${f.default})`)
  return `Usage: calor run [flags]\n\nSolves the heat equation du/dt = div(α grad u) + f on [0, lx] × [0, ly].\n\n${lines.join('\n')}\n`
}

/** As node:util parseArgs returns them (no flag here may repeat, so no arrays occur). */
export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>

function integer(values: FlagValues, flag: string, min: number): number | undefined {
  const text = values[flag] as string | undefined
  if (text === undefined) return undefined
  return strictInteger(text, flag, min)
}

function number(text: string, flag: string): number {
  return strictNumber(text, flag)
}

const optionalNumber = (values: FlagValues, flag: string) =>
  values[flag] === undefined ? undefined : number(values[flag] as string, flag)

function oneOf<T extends string>(values: FlagValues, flag: string, choices: readonly T[]): T | undefined {
  const text = values[flag] as string | undefined
  if (text === undefined || choices.includes(text as T)) return text as T | undefined
  throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got '${text}'`)
}

function side(spec: string, flag: string): SideBoundary {
  const [type, value, ...extra] = spec.split(':')
  if (type === 'periodic' && value === undefined) return { type }
  if ((type === 'dirichlet' || type === 'neumann') && extra.length === 0) {
    const v = value === undefined ? 0 : number(value, flag)
    return type === 'dirichlet' ? { type, value: v } : { type, flux: v }
  }
  if (type === 'robin' && value !== undefined && extra.length <= 1) {
    return { type, h: number(value, flag), ambient: extra.length === 0 ? 0 : number(extra[0], flag) }
  }
  throw new UsageError(`--${flag} must be ${kSideSpec}, got '${spec}'`)
}

function boundary(values: FlagValues): Boundary {
  const all = side((values.boundary as string | undefined) ?? 'dirichlet:0', 'boundary')
  if (kSides.every((s) => values[s] === undefined)) return all
  const pick = (s: (typeof kSides)[number]) => (values[s] === undefined ? all : side(values[s] as string, s))
  return { left: pick('left'), right: pick('right'), bottom: pick('bottom'), top: pick('top') }
}

/** --diffusivity: a number, or a .npy file of nodal values. */
async function diffusivity(values: FlagValues, nx: number, ny: number): Promise<number | Float64Array | undefined> {
  const spec = values.diffusivity as string | undefined
  if (spec === undefined) return undefined
  return spec.endsWith('.npy') ? npyField(spec, 'diffusivity', nx, ny) : number(spec, 'diffusivity')
}

/** Reads a .npy field for `flag` and checks its shape against the grid. */
async function npyField(file: string, flag: string, nx: number, ny: number): Promise<Float64Array> {
  const { shape, data } = await readNpy(file).catch((error: Error) => {
    throw new UsageError(`--${flag}: ${error.message}`)
  })
  if (shape[0] !== ny || shape[1] !== nx) {
    throw new UsageError(`--${flag} ${file} has shape (${shape.join(', ')}), expected (ny, nx) = (${ny}, ${nx})`)
  }
  return data
}

async function initial(values: FlagValues, nx: number, ny: number, lx: number, ly: number): Promise<FieldInit> {
  const spec = (values.initial as string | undefined) ?? 'hotspot'
  if (spec.endsWith('.npy')) return npyField(spec, 'initial', nx, ny)
  if (!(kPresets as readonly string[]).includes(spec)) {
    throw new UsageError(`--initial must be one of ${kPresets.join(', ')} or a .npy file, got '${spec}'`)
  }
  if (values.seed !== undefined && spec !== 'random') throw new UsageError('--seed needs --initial random')
  return preset(spec as Preset, { nx, ny, lx, ly }, integer(values, 'seed', 0) ?? 1)
}

async function source(values: FlagValues, nx: number, ny: number): Promise<FieldInit | undefined> {
  const spec = values.source as string | undefined
  if (spec === undefined) return undefined
  return spec.endsWith('.npy') ? npyField(spec, 'source', nx, ny) : number(spec, 'source')
}

function colourRange(text: string | undefined): FramesOptions['range'] {
  if (text === undefined || text === 'fixed' || text === 'auto') return text
  const parts = text.split(',')
  if (parts.length === 2) return [number(parts[0], 'range'), number(parts[1], 'range')]
  throw new UsageError(`--range must be fixed, auto or MIN,MAX, got '${text}'`)
}

function frames(values: FlagValues): FramesOptions | undefined {
  if (values.frames === undefined) {
    const stray = kFrameFlags.find((f) => values[f] !== undefined)
    if (stray !== undefined) throw new UsageError(`--${stray} needs --frames DIR`)
    return undefined
  }
  return {
    dir: values.frames as string,
    every: integer(values, 'every', 1),
    colormap: oneOf<Colormap>(values, 'colormap', kColormaps),
    range: colourRange(values.range as string | undefined),
    scale: integer(values, 'scale', 1),
    animation: values.animation === true,
    fps: integer(values, 'fps', 1),
    annotate: values.annotate === true,
  }
}

function checkOut(file: string | undefined): string | undefined {
  if (file === undefined) return undefined
  if (!file.endsWith('.npy')) throw new UsageError(`--out must name a .npy file, got '${file}'`)
  checkWritable(file, 'out')
  return file
}

/** The flags of the last toOptions() call, to name them in the library's messages. */
let typedFlags: ReadonlySet<string> = new Set()

/** The (ny, nx) shape of an `--initial FILE.npy`, read when --nx or --ny is missing, so that the file gives it. */
async function initialShape(values: FlagValues): Promise<readonly [number, number] | undefined> {
  const spec = values.initial as string | undefined
  if (spec === undefined || !spec.endsWith('.npy') || (values.nx !== undefined && values.ny !== undefined)) return
  const { shape } = await readNpy(spec).catch((error: Error) => {
    throw new UsageError(`--initial: ${error.message}`)
  })
  return shape
}

/** Turns parsed flags into solve() options (no signal or progress yet) and the --out file. */
export async function toOptions(values: FlagValues): Promise<{ options: SolveOptions; out: string | undefined }> {
  typedFlags = new Set(Object.keys(values).filter((k) => values[k] !== undefined))
  const shape = await initialShape(values)
  const nx = integer(values, 'nx', 3) ?? shape?.[1] ?? 129
  const ny = integer(values, 'ny', 3) ?? shape?.[0] ?? nx
  const [lx, ly] = [optionalNumber(values, 'lx') ?? 1, optionalNumber(values, 'ly') ?? 1]
  const tEnd = optionalNumber(values, 't-end')
  const steps = integer(values, 'steps', 0) ?? (tEnd === undefined ? 1000 : undefined)
  const options: SolveOptions = {
    grid: { nx, ny, lx, ly },
    diffusivity: await diffusivity(values, nx, ny),
    initial: await initial(values, nx, ny, lx, ly),
    source: await source(values, nx, ny),
    boundary: boundary(values),
    steps,
    tEnd,
    dt: optionalNumber(values, 'dt'),
    threads: integer(values, 'threads', 1),
    backend: oneOf(values, 'backend', ['native', 'js'] as const),
    frames: frames(values),
    vtk: vtkOptions(values),
    ...extraOptions(values),
  }
  checkFramesDir(values.frames as string | undefined)
  return { options, out: checkOut(values.out as string | undefined) }
}

/** Option names in library messages, longest first, and the flags that set them. */
const kOptionFlags: [string, string][] = [
  ['options.temporalBlocking', '--temporal-blocking'],
  ['options.checkpoint.every', '--checkpoint-every'],
  ['options.checkpoint.path', '--checkpoint'],
  ['options.resume', '--resume'],
  ['options.probes.points', '--probe'],
  ['options.probes.every', '--probe-every'],
  ['options.frames.colormap', '--colormap'],
  ['options.frames.every', '--every'],
  ['options.frames.range', '--range'],
  ['options.frames.scale', '--scale'],
  ['options.frames.dir', '--frames'],
  ['options.frames.fps', '--fps'],
  ...kVtkOptionFlags,
  ['options.diffusivity', '--diffusivity'],
  ['options.boundary.bottom', '--bottom'],
  ['options.boundary.right', '--right'],
  ['options.boundary.left', '--left'],
  ['options.boundary.top', '--top'],
  ['options.boundary', '--boundary'],
  ['options.initial', '--initial'],
  ['options.threads', '--threads'],
  ['options.backend', '--backend'],
  ['options.source', '--source'],
  ['options.grid.nx', '--nx'],
  ['options.grid.ny', '--ny'],
  ['options.grid.lx', '--lx'],
  ['options.grid.ly', '--ly'],
  ['options.steps', '--steps'],
  ['options.tEnd', '--t-end'],
  ['options.dt', '--dt'],
]

/** A library message with option names replaced by the flags that set them. */
export function flagNames(message: string): string {
  return kOptionFlags.reduce((m, [option, flag]) => m.replaceAll(option, flag), typedNames(message, typedFlags))
}
