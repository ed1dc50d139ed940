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
import { kPresets, kScenarios, preset, type Preset } from './presets.js'
import { type Flag, strictInteger, strictNumber, UsageError } from './usage.js'
import { kVtkFlags, kVtkOptionFlags, vtkOptions } from './vtk.js'

export { UsageError }

const kSides = ['left', 'right', 'bottom', 'top'] as const
const kSides3d = [...kSides, 'back', 'front'] as const
const kSideSpec = 'dirichlet[:VALUE], neumann[:FLUX], robin:H[:AMBIENT] or periodic'
const kFrameFlags = ['every', 'colormap', 'range', 'scale', 'animation', 'fps', 'annotate', 'slice'] as const

export const kRunFlags: readonly Flag[] = [
  { name: 'nx', value: 'N', default: '129', help: 'nodes along x' },
  { name: 'ny', value: 'N', default: 'nx', help: 'nodes along y' },
  { name: 'lx', value: 'L', default: '1', help: 'extent along x' },
  { name: 'ly', value: 'L', default: '1', help: 'extent along y' },
  { name: 'nz', value: 'N', default: '1', help: 'nodes along z: 3 or more make a 3D grid (with --lz)' },
  { name: 'lz', value: 'L', default: 'none', help: 'extent along z (required with --nz)' },
  {
    name: 'preset',
    value: 'NAME',
    default: 'none',
    help: `a scenario, ${Object.keys(kScenarios).join(', ')}; flags given win`,
  },
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
  { name: 'boundary', value: 'SPEC', default: 'dirichlet:0', help: `all sides: ${kSideSpec}` },
  ...kSides3d.map((side) => ({
    name: side,
    value: 'SPEC',
    default: '--boundary',
    help: `the ${side} side only${side === 'back' || side === 'front' ? ` (3D: z = ${side === 'back' ? '0' : 'lz'})` : ''}`,
  })),
  { name: 'initial', value: 'NAME|FILE', default: 'hotspot', help: `${kPresets.join(', ')}, or a .npy file` },
  { name: 'seed', value: 'N', default: '1', help: 'seed of --initial random' },
  { name: 'source', value: 'VALUE|FILE', default: 'none', help: 'source term f: a number or a .npy file' },
  {
    name: 'out',
    value: 'FILE',
    default: 'none',
    help: 'write the final field as .npy (float64, shape (ny, nx) or (nz, ny, nx))',
  },
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
  { name: 'slice', value: 'AXIS[:INDEX]', default: 'z:middle', help: '3D: the plane the frames draw, e.g. z, y:10' },
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
  return `Usage: calor run [flags]\n\nSolves the heat equation du/dt = div(α grad u) + f on [0, lx] × [0, ly] (× [0, lz] with --nz).\n\n${lines.join('\n')}\n`
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

function boundary(values: FlagValues, threeD: boolean): Boundary {
  const all = side((values.boundary as string | undefined) ?? 'dirichlet:0', 'boundary')
  const names = threeD ? kSides3d : kSides
  if (names.every((s) => values[s] === undefined)) return all
  const pick = (s: (typeof kSides3d)[number]) => (values[s] === undefined ? all : side(values[s] as string, s))
  const plane = { left: pick('left'), right: pick('right'), bottom: pick('bottom'), top: pick('top') }
  return threeD ? { ...plane, back: pick('back'), front: pick('front') } : plane
}

/** The grid's node counts and extents as the flags give them (nz = 1 in 2D). */
interface Shape {
  nx: number
  ny: number
  nz: number
  lx: number
  ly: number
  lz: number | undefined
}

/** --diffusivity: a number, or a .npy file of nodal values. */
async function diffusivity(values: FlagValues, shape: Shape): Promise<number | Float64Array | undefined> {
  const spec = values.diffusivity as string | undefined
  if (spec === undefined) return undefined
  return spec.endsWith('.npy') ? npyField(spec, 'diffusivity', shape) : number(spec, 'diffusivity')
}

/** Reads a .npy field for `flag` and checks its shape against the grid: (ny, nx), or (nz, ny, nx) in 3D. */
async function npyField(file: string, flag: string, grid: Shape): Promise<Float64Array> {
  const { shape, data } = await readNpy(file).catch((error: Error) => {
    throw new UsageError(`--${flag}: ${error.message}`)
  })
  const { nx, ny, nz } = grid
  const [want, names] = nz > 1 ? [[nz, ny, nx], '(nz, ny, nx)'] : [[ny, nx], '(ny, nx)']
  if (shape.length !== want.length || shape.some((n, k) => n !== want[k])) {
    throw new UsageError(`--${flag} ${file} has shape (${shape.join(', ')}), expected ${names} = (${want.join(', ')})`)
  }
  return data
}

async function initial(values: FlagValues, grid: Shape): Promise<FieldInit> {
  const spec = (values.initial as string | undefined) ?? 'hotspot'
  if (spec.endsWith('.npy')) return npyField(spec, 'initial', grid)
  if (!(kPresets as readonly string[]).includes(spec)) {
    throw new UsageError(`--initial must be one of ${kPresets.join(', ')} or a .npy file, got '${spec}'`)
  }
  if (values.seed !== undefined && spec !== 'random') throw new UsageError('--seed needs --initial random')
  return preset(spec as Preset, { ...grid, lz: grid.lz ?? 1 }, integer(values, 'seed', 0) ?? 1)
}

async function source(values: FlagValues, grid: Shape): Promise<FieldInit | undefined> {
  const spec = values.source as string | undefined
  if (spec === undefined) return undefined
  return spec.endsWith('.npy') ? npyField(spec, 'source', grid) : number(spec, 'source')
}

/** --slice AXIS[:INDEX] (3D frames): the plane drawn, by default the middle one along AXIS. */
function slice(text: string | undefined): FramesOptions['slice'] {
  if (text === undefined) return undefined
  const [axis, index, ...extra] = text.split(':')
  if ((axis !== 'x' && axis !== 'y' && axis !== 'z') || extra.length > 0) {
    throw new UsageError(`--slice must be x, y or z, optionally :INDEX (e.g. z:10), got '${text}'`)
  }
  return index === undefined ? { axis } : { axis, index: strictInteger(index, 'slice', 0) }
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
    ...(values.slice === undefined ? {} : { slice: slice(values.slice as string) }),
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

/**
 * The (ny, nx) or (nz, ny, nx) shape of an `--initial FILE.npy`, read when --nx or --ny is missing, so that
 * the file gives it.
 */
async function initialShape(values: FlagValues): Promise<readonly number[] | undefined> {
  const spec = values.initial as string | undefined
  if (spec === undefined || !spec.endsWith('.npy') || (values.nx !== undefined && values.ny !== undefined)) return
  const { shape } = await readNpy(spec).catch((error: Error) => {
    throw new UsageError(`--initial: ${error.message}`)
  })
  return shape
}

/** The flag values of `--preset NAME` under the ones typed (which win). */
function withScenario(values: FlagValues): FlagValues {
  const name = values.preset as string | undefined
  if (name === undefined) return values
  const scenario = kScenarios[name]
  if (!Object.hasOwn(kScenarios, name) || scenario === undefined) {
    throw new UsageError(`--preset must be one of ${Object.keys(kScenarios).join(', ')}, got '${name}'`)
  }
  const typed = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined))
  return { ...scenario, ...typed }
}

/** Turns parsed flags into solve() options (no signal or progress yet) and the --out file. */
export async function toOptions(typed: FlagValues): Promise<{ options: SolveOptions; out: string | undefined }> {
  typedFlags = new Set(Object.keys(typed).filter((k) => typed[k] !== undefined))
  const values = withScenario(typed)
  const shape = await initialShape(values)
  const nx = integer(values, 'nx', 3) ?? shape?.at(-1) ?? 129
  const ny = integer(values, 'ny', 3) ?? shape?.at(-2) ?? nx
  const nz = integer(values, 'nz', 1) ?? (shape?.length === 3 ? shape[0] : 1)
  const [lx, ly, lz] = [
    optionalNumber(values, 'lx') ?? 1,
    optionalNumber(values, 'ly') ?? 1,
    optionalNumber(values, 'lz'),
  ]
  const grid: Shape = { nx, ny, nz, lx, ly, lz }
  const tEnd = optionalNumber(values, 't-end')
  const steps = integer(values, 'steps', 0) ?? (tEnd === undefined ? 1000 : undefined)
  const options: SolveOptions = {
    grid: nz === 1 && lz === undefined ? { nx, ny, lx, ly } : { nx, ny, nz, lx, ly, lz },
    diffusivity: await diffusivity(values, grid),
    initial: await initial(values, grid),
    source: await source(values, grid),
    boundary: boundary(values, nz > 1),
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
  ['options.frames.slice.index', '--slice'],
  ['options.frames.slice', '--slice'],
  ['options.boundary.bottom', '--bottom'],
  ['options.boundary.front', '--front'],
  ['options.boundary.back', '--back'],
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
  ['options.grid.nz', '--nz'],
  ['options.grid.lz', '--lz'],
  ['options.steps', '--steps'],
  ['options.tEnd', '--t-end'],
  ['options.dt', '--dt'],
]

/** A library message with option names replaced by the flags that set them. */
export function flagNames(message: string): string {
  return kOptionFlags.reduce((m, [option, flag]) => m.replaceAll(option, flag), typedNames(message, typedFlags))
}
