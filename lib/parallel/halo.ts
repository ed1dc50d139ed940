/**
 * The halo exchange between neighbouring ranks, run by the thread that started MPI between two advances
 * of the rank's solver: k whole padded units each way (rows with their ghost columns in 2D, planes with
 * their ghost rows and columns in 3D; contiguous either way), sent from and received into the shared
 * field itself, no copy. Two MPI_Sendrecv calls: every rank sends up and receives from
 * below, then sends down and receives from above, so no pair of ranks waits on each other.
 */
import { kNoRank, type Slab } from './slab.js'

/** The part of calor-mpi the exchange uses. */
export interface HaloComm {
  readonly PROC_NULL: number
  sendrecv(send: Float64Array, dest: number, recv: Float64Array, source: number, tag: number): number
}

const kTagUp = 1
const kTagDown = 2

/**
 * Swaps halos in `field` (the slab's padded units of `unit` values each: rows in 2D, planes in 3D): this
 * rank's top `depth` owned units become the upper neighbour's lower halo and its bottom `depth` owned
 * units the lower neighbour's upper halo, and the neighbours' units arrive in this rank's halos.
 */
export function exchangeHalo(comm: HaloComm, slab: Slab, field: Float64Array, unit: number): void {
  const { below, above, depth } = slab
  const owned = slab.owned.end - slab.owned.start
  // Slab unit u is padded unit u + 1.
  const units = (first: number, count: number) => field.subarray((first + 1) * unit, (first + 1 + count) * unit)
  const peer = (rank: number) => (rank === kNoRank ? comm.PROC_NULL : rank)
  const gotBelow = comm.sendrecv(
    units(below + owned - depth, depth),
    peer(slab.up),
    units(0, below),
    peer(slab.down),
    kTagUp,
  )
  const gotAbove = comm.sendrecv(
    units(below, depth),
    peer(slab.down),
    units(below + owned, above),
    peer(slab.up),
    kTagDown,
  )
  if (gotBelow !== below * unit || gotAbove !== above * unit) {
    throw new Error(
      `halo exchange: expected ${below * unit} values from below and ${above * unit} from above, got ${gotBelow} and ${gotAbove}`,
    )
  }
}
