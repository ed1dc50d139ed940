/**
 * Loading the optional calor-mpi addon (crate/mpi) and starting MPI, once per process, only when a solve
 * asks for `mpi: true`. The default install never builds or loads it. Errors say what is missing.
 */
import type * as MpiAddon from '../../crate/mpi/index.js'

export interface MpiComm {
  readonly addon: typeof MpiAddon
  readonly info: MpiAddon.NapiMpiInfo
}

/** What MPICH's, Open MPI's and PMIx launchers put in each rank's environment. */
const kLauncherVariables = ['PMI_RANK', 'PMI_SIZE', 'PMIX_RANK', 'OMPI_COMM_WORLD_SIZE', 'MPI_LOCALNRANKS']

/**
 * UCX settings calor starts MPI with unless the caller set them: UCX's memory hooks crash about 1% of
 * Node launches (UCX_MEM_EVENTS=no), and a halo of a few rows goes eagerly instead of by rendezvous
 * (UCX_RNDV_THRESH above the 131 KB of 8 rows of a 2049-wide grid: 42 µs instead of 145 µs per sendrecv here).
 */
const kUcxDefaults = { UCX_MEM_EVENTS: 'no', UCX_RNDV_THRESH: '262144' } as const

let started: Promise<MpiComm> | undefined

async function start(): Promise<MpiComm> {
  if (!kLauncherVariables.some((name) => process.env[name] !== undefined)) {
    throw new Error(
      'options.mpi: true needs the script to run under an MPI launcher, e.g. `mpiexec -n 2 node script.mjs` (see docs/mpi.md)',
    )
  }
  for (const [name, value] of Object.entries(kUcxDefaults)) process.env[name] ??= value
  let addon: typeof MpiAddon
  try {
    addon = await import('../../crate/mpi/index.js')
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new Error(
      `options.mpi: true needs the calor-mpi addon, which could not be loaded (${reason}); build it with \`npm run setup:mpi\` (see docs/mpi.md)`,
      { cause: error },
    )
  }
  const info = addon.init()
  // Every rank ends MPI before it exits; MPI cannot start again afterwards, so this waits for the exit.
  process.once('exit', () => addon.finalize())
  return { addon, info }
}

/** The addon and this rank's place in the job; MPI starts (MPI_Init_thread) on the first call. */
export function loadMpi(): Promise<MpiComm> {
  started ??= start()
  started.catch(() => {
    started = undefined
  })
  return started
}
