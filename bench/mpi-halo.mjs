// Cost of one halo exchange through the calor-mpi addon: MPI_Sendrecv of one row (2049 doubles by
// default) straight from and into SharedArrayBuffer views, between ranks paired 0↔1, 2↔3, …
//   UCX_MEM_EVENTS=no mpiexec -n 2 node bench/mpi-halo.mjs [--values 2049] [--calls 20000] [--batches 7]
// Rank 0 prints the median over batches of the time per call, and the round trip of a 1-value message.
import * as mpi from '../crate/mpi/index.js'

function flag(name, fallback) {
  const at = process.argv.indexOf(`--${name}`)
  const value = at < 0 ? fallback : Number(process.argv[at + 1])
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`--${name} must be a positive integer, got ${value}`)
  return value
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Seconds per sendrecv of `values` doubles with `peer`, over `calls` calls, median of `batches`. */
function timeExchange(peer, values, calls, batches) {
  const shared = new Float64Array(new SharedArrayBuffer(2 * values * 8))
  const [send, recv] = [shared.subarray(0, values), shared.subarray(values)]
  send.fill(mpi.rank())
  for (let i = 0; i < Math.min(calls, 1000); i++) mpi.sendrecv(send, peer, recv, peer, 1)
  const perCall = []
  for (let b = 0; b < batches; b++) {
    mpi.barrier()
    const start = process.hrtime.bigint()
    for (let i = 0; i < calls; i++) mpi.sendrecv(send, peer, recv, peer, 1)
    perCall.push(Number(process.hrtime.bigint() - start) / 1e9 / calls)
  }
  if (peer !== mpi.PROC_NULL && recv[0] !== peer) throw new Error(`rank ${mpi.rank()} received ${recv[0]}`)
  return mpi.allreduce(median(perCall), 'max')
}

function main() {
  const { rank, size } = mpi.init()
  const [values, calls, batches] = [flag('values', 2049), flag('calls', 20_000), flag('batches', 7)]
  const peer = (rank ^ 1) < size ? rank ^ 1 : mpi.PROC_NULL
  const row = timeExchange(peer, values, calls, batches)
  const latency = timeExchange(peer, 1, calls, batches)
  if (rank === 0) {
    const us = (s) => (s * 1e6).toFixed(2)
    const figure = { ranks: size, values, calls, batches, secondsPerCall: row, secondsPerCallOneValue: latency }
    if (size < 2) process.stdout.write('note: 1 rank, so no message leaves the process; run under mpiexec -n 2\n')
    process.stdout.write(
      `halo exchange of ${values} doubles: ${us(row)} µs per sendrecv (1 double: ${us(latency)} µs)\n`,
    )
    process.stdout.write(`${JSON.stringify(figure)}\n`)
  }
  mpi.finalize()
}

main()
