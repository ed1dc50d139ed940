//! The N-API surface: converts arguments, calls `session` and `comm`, maps errors. Nothing else.

mod view;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::comm::{self, Reduce};
use crate::error::MpiError;
use crate::session;
use view::NapiView;

impl From<MpiError> for napi::Error {
  fn from(error: MpiError) -> Self {
    let status = match error {
      MpiError::Argument { .. } | MpiError::Disagree { .. } => Status::InvalidArg,
      _ => Status::GenericFailure,
    };
    napi::Error::new(status, error.to_string())
  }
}

/// The rank number that stands for "no neighbour" (MPI_PROC_NULL) in `sendrecv`.
#[napi]
pub const PROC_NULL: i32 = comm::NO_PEER;

/// This rank's place in the job, as `init` reports it.
#[napi(object)]
pub struct NapiMpiInfo {
  /// This rank's number in MPI_COMM_WORLD, from 0.
  pub rank: i32,
  /// The number of ranks.
  pub size: i32,
  /// The thread support MPI granted (MPI_THREAD_…); calor-mpi asks for 'funneled'.
  #[napi(ts_type = "'single' | 'funneled' | 'serialized' | 'multiple'")]
  pub threading: String,
}

/// Starts MPI (MPI_Init_thread, MPI_THREAD_FUNNELED) on first call; later calls return the same info.
/// The thread that calls it first (the main thread or one worker thread) is the only one that may make
/// any MPI call afterwards, `finalize` included; calls from other threads throw.
#[napi]
pub fn init() -> Result<NapiMpiInfo> {
  let started = session::init()?;
  Ok(NapiMpiInfo { rank: started.rank, size: started.size, threading: started.threading.to_string() })
}

/// Ends MPI (MPI_Finalize) on this rank; every rank must call it before exiting. Does nothing when MPI
/// never started or already ended. MPI cannot be started again in the same process.
#[napi]
pub fn finalize() -> Result<()> {
  Ok(session::finalize()?)
}

/// Whether MPI has been started in this process and not yet finalized.
#[napi]
#[must_use]
pub fn is_initialized() -> bool {
  session::is_running()
}

/// This rank's number in MPI_COMM_WORLD, from 0.
#[napi]
pub fn rank() -> Result<i32> {
  Ok(comm::rank()?)
}

/// The number of ranks in MPI_COMM_WORLD.
#[napi]
pub fn size() -> Result<i32> {
  Ok(comm::size()?)
}

/// The name of the host this rank runs on (MPI_Get_processor_name).
#[napi]
pub fn processor_name() -> Result<String> {
  Ok(comm::processor_name()?)
}

/// Blocks until every rank has called `barrier` (MPI_Barrier).
#[napi]
pub fn barrier() -> Result<()> {
  Ok(comm::barrier()?)
}

/// Sends all of `send` to rank `dest` and receives into `recv` from rank `source` (MPI_Sendrecv), both
/// with `tag` (0…32767). Either rank may be `PROC_NULL`. The views may be over SharedArrayBuffers and are
/// used in place (no copy); they must not overlap. Returns how many values arrived (0 from `PROC_NULL`).
/// A message longer than `recv` is fatal to the job. An error thrown here leaves the peer waiting: abort.
#[napi(ts_args_type = "send: Float64Array, dest: number, recv: Float64Array, source: number, tag: number")]
pub fn sendrecv(send: NapiView, dest: i32, recv: NapiView, source: i32, tag: i32) -> Result<u32> {
  let received = comm::sendrecv(send.0, dest, recv.0, source, tag)?;
  Ok(u32::try_from(received).unwrap_or(u32::MAX))
}

/// Combines `value` over all ranks with `op` (MPI_Allreduce); every rank gets the result. All ranks pass
/// the same `op`; an unknown `op` throws before any communication.
#[napi(ts_args_type = "value: number, op: 'max' | 'sum' | 'min'")]
pub fn allreduce(value: f64, op: String) -> Result<f64> {
  let op = match op.as_str() {
    "max" => Reduce::Max,
    "sum" => Reduce::Sum,
    "min" => Reduce::Min,
    _ => return Err(MpiError::argument("allreduce", "op", "'max', 'sum' or 'min'", format!("'{op}'")).into()),
  };
  Ok(comm::allreduce(value, op)?)
}

/// Copies `root`'s `buffer` into `buffer` on every rank, in place (MPI_Bcast). Every rank passes the same
/// root and a buffer of root's length, or every rank throws.
#[napi(ts_args_type = "buffer: Float64Array, root: number")]
pub fn bcast(buffer: NapiView, root: i32) -> Result<()> {
  Ok(comm::bcast(buffer.0, root)?)
}

/// Gathers every rank's `send` slab into `recv` on `root`, in rank order (MPI_Gatherv). `recv` is read on
/// root only, where it must hold exactly the slabs' total length; elsewhere pass null. Every rank passes
/// the same root, or every rank throws. Returns the slab lengths in rank order.
#[napi(ts_args_type = "send: Float64Array, root: number, recv?: Float64Array | null")]
pub fn gatherv(send: NapiView, root: i32, recv: Option<NapiView>) -> Result<Vec<i32>> {
  Ok(comm::gatherv(send.0, root, recv.map(|v| v.0))?)
}

/// Gathers every rank's `send` slab into every rank's `recv`, in rank order (MPI_Allgatherv). `recv` holds
/// exactly the slabs' total length on every rank, or every rank throws. Returns the slab lengths.
#[napi(ts_args_type = "send: Float64Array, recv: Float64Array")]
pub fn allgatherv(send: NapiView, recv: NapiView) -> Result<Vec<i32>> {
  Ok(comm::allgatherv(send.0, recv.0)?)
}

/// Ends every rank of the job with exit `code` (MPI_Abort), after writing "calor-mpi: rank R aborts the
/// job (code C): message" to stderr. Never returns. Without MPI running, ends this process only.
#[napi(ts_return_type = "never")]
pub fn abort(code: i32, message: Option<String>) {
  comm::abort(code, message.as_deref().unwrap_or("abort() was called"))
}
