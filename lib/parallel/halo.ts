/**
 * The halo exchange between neighbouring ranks, run by the thread that started MPI between two advances
 * of the rank's solver: k whole padded rows (ghost columns included) each way, sent from and received
 * into the shared field itself, no copy. Two MPI_Sendrecv calls: every rank sends up and receives from
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
 * Swaps halos in `field` (the slab's padded rows of `stride` values): this rank's top `depth` owned rows
 * become the upper neighbour's lower halo and its bottom `depth` owned rows the lower neighbour's upper
 * halo, and the neighbours' rows arrive in this rank's halos.
 */
export function exchangeHalo(comm: HaloComm, slab: Slab, field: Float64Array, stride: number): void {
  const { below, above, depth } = slab
  const owned = slab.owned.end - slab.owned.start
  // Slab row r is padded row r + 1.
  const rows = (first: number, count: number) => field.subarray((first + 1) * stride, (first + 1 + count) * stride)
  const peer = (rank: number) => (rank === kNoRank ? comm.PROC_NULL : rank)
  const gotBelow = comm.sendrecv(
    rows(below + owned - depth, depth),
    peer(slab.up),
    rows(0, below),
    peer(slab.down),
    kTagUp,
  )
  const gotAbove = comm.sendrecv(
    rows(below, depth),
    peer(slab.down),
    rows(below + owned, above),
    peer(slab.up),
    kTagDown,
  )
  if (gotBelow !== below * stride || gotAbove !== above * stride) {
    throw new Error(
      `halo exchange: expected ${below * stride} values from below and ${above * stride} from above, got ${gotBelow} and ${gotAbove}`,
    )
  }
}
