//! The communication calls of a rank, over MPI_COMM_WORLD. Buffers are `View`s handed to MPI by address.
//!
//! Collectives first agree on their arguments: every rank contributes its lengths and root to one
//! MPI_Allgather and checks everybody's, so a mismatch raises the same error on every rank instead of
//! leaving some of them waiting. Point-to-point `sendrecv` (the per-step halo exchange) skips that; a
//! message longer than the receive view is an MPI truncation error, fatal to the job (MPI aborts), and
//! a rank that refuses its arguments leaves its peer waiting: the caller aborts the job on such an error.

use std::io::Write;
use std::os::raw::{c_int, c_void};

use mpi::collective::SystemOperation;
use mpi::ffi;
use mpi::raw::AsRaw;
use mpi::topology::SimpleCommunicator;
use mpi::traits::{Communicator, CommunicatorCollectives};

use crate::error::MpiError;
use crate::session;
use crate::view::View;

/// The rank number that means "no neighbour" (MPI_PROC_NULL) at this addon's surface.
pub const NO_PEER: i32 = -1;
/// The largest tag every MPI implementation accepts (MPI_TAG_UB is at least this).
pub const MAX_TAG: i32 = 32_767;

/// A reduction of one number over all ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduce {
  Max,
  Sum,
  Min,
}

/// This rank's number in MPI_COMM_WORLD, from 0.
pub fn rank() -> Result<i32, MpiError> {
  Ok(session::world("rank")?.rank())
}

/// The number of ranks in MPI_COMM_WORLD.
pub fn size() -> Result<i32, MpiError> {
  Ok(session::world("size")?.size())
}

/// The name MPI gives this rank's host (MPI_Get_processor_name).
pub fn processor_name() -> Result<String, MpiError> {
  session::world("processorName")?;
  mpi::environment::processor_name().map_err(|e| MpiError::Init(format!("processor name is not UTF-8: {e}")))
}

/// Waits until every rank has called `barrier`.
pub fn barrier() -> Result<(), MpiError> {
  session::world("barrier")?.barrier();
  Ok(())
}

fn check(call: &'static str, code: c_int) -> Result<(), MpiError> {
  // MPI_SUCCESS is 0 in every implementation; bindgen types it u32.
  let success = c_int::try_from(ffi::MPI_SUCCESS).unwrap_or(0);
  if code == success {
    Ok(())
  } else {
    Err(MpiError::Disagree { call, message: format!("MPI returned error code {code}") })
  }
}

fn peer(world: &SimpleCommunicator, call: &'static str, what: &'static str, rank: i32) -> Result<c_int, MpiError> {
  if rank == NO_PEER {
    // SAFETY: reading an MPI constant, an immutable extern static.
    return Ok(unsafe { ffi::RSMPI_PROC_NULL });
  }
  let size = world.size();
  if (0..size).contains(&rank) {
    Ok(rank)
  } else {
    Err(MpiError::argument(call, what, format!("a rank in 0..{size} or PROC_NULL ({NO_PEER})"), rank))
  }
}

/// Sends `send` to `dest` and receives into `recv` from `source` in one MPI_Sendrecv, with `tag` on both
/// sides; either rank may be `NO_PEER`. Returns how many doubles arrived (0 from `NO_PEER`).
pub fn sendrecv(send: View, dest: i32, recv: View, source: i32, tag: i32) -> Result<usize, MpiError> {
  const CALL: &str = "sendrecv";
  let world = session::world(CALL)?;
  let (dest, source) = (peer(&world, CALL, "dest", dest)?, peer(&world, CALL, "source", source)?);
  if !(0..=MAX_TAG).contains(&tag) {
    return Err(MpiError::argument(CALL, "tag", format!("an integer in 0..={MAX_TAG}"), tag));
  }
  let (send_count, recv_count) = (send.count(CALL, "send")?, recv.count(CALL, "recv")?);
  if send.overlaps(recv) {
    return Err(MpiError::argument(CALL, "recv", "a view that shares no element with send", "an overlapping view"));
  }
  let mut status = std::mem::MaybeUninit::<ffi::MPI_Status>::uninit();
  let mut received: c_int = 0;
  // SAFETY: both views address live typed-array memory of the given counts (checked to fit a C int) that
  // stays alive for this synchronous call; they do not overlap; the ranks are valid or MPI_PROC_NULL;
  // `status` is written by MPI_Sendrecv before MPI_Get_count reads it.
  unsafe {
    let double = ffi::RSMPI_DOUBLE;
    check(
      CALL,
      ffi::MPI_Sendrecv(
        send.ptr.cast::<c_void>(),
        send_count,
        double,
        dest,
        tag,
        recv.ptr.cast::<c_void>(),
        recv_count,
        double,
        source,
        tag,
        world.as_raw(),
        status.as_mut_ptr(),
      ),
    )?;
    check(CALL, ffi::MPI_Get_count(status.as_ptr(), double, &raw mut received))?;
  }
  Ok(usize::try_from(received).unwrap_or(0))
}

/// Reduces one number over all ranks; every rank gets the result.
pub fn allreduce(value: f64, op: Reduce) -> Result<f64, MpiError> {
  let world = session::world("allreduce")?;
  let op = match op {
    Reduce::Max => SystemOperation::max(),
    Reduce::Sum => SystemOperation::sum(),
    Reduce::Min => SystemOperation::min(),
  };
  let mut result = 0.0;
  world.all_reduce_into(&value, &mut result, op);
  Ok(result)
}

/// Every rank's three agreement numbers, in rank order (one MPI_Allgather).
fn agree(world: &SimpleCommunicator, mine: [i64; 3]) -> Vec<[i64; 3]> {
  let size = usize::try_from(world.size()).unwrap_or(0);
  let mut all = vec![0_i64; 3 * size];
  world.all_gather_into(&mine[..], &mut all[..]);
  all.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect()
}

fn len_or_minus_one(view: Option<View>) -> i64 {
  view.and_then(|v| i64::try_from(v.len).ok()).unwrap_or(-1)
}

fn one_root(call: &'static str, size: i32, all: &[[i64; 3]]) -> Result<i32, MpiError> {
  let root = all[0][1];
  if let Some(other) = all.iter().position(|a| a[1] != root) {
    let message = format!("ranks disagree on root: rank 0 gives {root}, rank {other} gives {}", all[other][1]);
    return Err(MpiError::Disagree { call, message });
  }
  i32::try_from(root)
    .ok()
    .filter(|r| (0..size).contains(r))
    .ok_or_else(|| MpiError::argument(call, "root", format!("a rank in 0..{size}"), root))
}

/// Copies root's `buffer` into every rank's `buffer` (MPI_Bcast); all buffers must have root's length.
pub fn bcast(buffer: View, root: i32) -> Result<(), MpiError> {
  const CALL: &str = "bcast";
  let world = session::world(CALL)?;
  let all = agree(&world, [len_or_minus_one(Some(buffer)), i64::from(root), 0]);
  let root = one_root(CALL, world.size(), &all)?;
  let expected = all[usize::try_from(root).unwrap_or(0)][0];
  if let Some(other) = all.iter().position(|a| a[0] != expected) {
    let message = format!("buffer has {} values on rank {other}, {expected} on root {root}", all[other][0]);
    return Err(MpiError::Disagree { call: CALL, message });
  }
  let count = buffer.count(CALL, "buffer")?;
  // SAFETY: `buffer` addresses live typed-array memory of `count` doubles for this synchronous call, and
  // every rank passes the same count and root (agreed above).
  check(CALL, unsafe { ffi::MPI_Bcast(buffer.ptr.cast(), count, ffi::RSMPI_DOUBLE, root, world.as_raw()) })
}

/// Counts and displacements of a gather, and its total, once every rank's count is known to fit.
fn layout(call: &'static str, all: &[[i64; 3]]) -> Result<(Vec<c_int>, Vec<c_int>, i64), MpiError> {
  let (mut counts, mut displs, mut total) = (Vec::with_capacity(all.len()), Vec::with_capacity(all.len()), 0_i64);
  for (rank, a) in all.iter().enumerate() {
    let count =
      c_int::try_from(a[0]).ok().filter(|c| *c >= 0 && total + a[0] <= i64::from(c_int::MAX)).ok_or_else(|| {
        let message = format!("the gathered slabs exceed 2147483647 values (rank {rank} sends {})", a[0]);
        MpiError::Disagree { call, message }
      })?;
    displs.push(c_int::try_from(total).unwrap_or(c_int::MAX));
    counts.push(count);
    total += a[0];
  }
  Ok((counts, displs, total))
}

fn check_recv(call: &'static str, rank: usize, recv_len: i64, total: i64) -> Result<(), MpiError> {
  if recv_len == total {
    return Ok(());
  }
  let given = if recv_len < 0 { "none".to_string() } else { format!("{recv_len} values") };
  Err(MpiError::Disagree { call, message: format!("recv on rank {rank} must hold {total} values, got {given}") })
}

/// Gathers every rank's `send` slab, in rank order, into `recv` on `root` (MPI_Gatherv). `recv` is
/// needed on root only, with exactly the total length. Returns the slab lengths, in rank order.
pub fn gatherv(send: View, root: i32, recv: Option<View>) -> Result<Vec<i32>, MpiError> {
  const CALL: &str = "gatherv";
  let world = session::world(CALL)?;
  let all = agree(&world, [len_or_minus_one(Some(send)), i64::from(root), len_or_minus_one(recv)]);
  let root = one_root(CALL, world.size(), &all)?;
  let (counts, displs, total) = layout(CALL, &all)?;
  let root_index = usize::try_from(root).unwrap_or(0);
  check_recv(CALL, root_index, all[root_index][2], total)?;
  let recv_ptr = recv.filter(|_| world.rank() == root).map_or(std::ptr::null_mut(), |v| v.ptr);
  let mine = counts[usize::try_from(world.rank()).unwrap_or(0)];
  // SAFETY: `send` holds `mine` doubles; on root, `recv` holds exactly the sum of `counts` (agreed above),
  // and `displs` lay the slabs end to end inside it; elsewhere the receive arguments are ignored by MPI.
  check(CALL, unsafe {
    let double = ffi::RSMPI_DOUBLE;
    let (c, d) = (counts.as_ptr(), displs.as_ptr());
    ffi::MPI_Gatherv(send.ptr.cast(), mine, double, recv_ptr.cast(), c, d, double, root, world.as_raw())
  })?;
  Ok(counts)
}

/// Gathers every rank's `send` slab, in rank order, into every rank's `recv` (MPI_Allgatherv); `recv`
/// has exactly the total length everywhere. Returns the slab lengths, in rank order.
pub fn allgatherv(send: View, recv: View) -> Result<Vec<i32>, MpiError> {
  const CALL: &str = "allgatherv";
  let world = session::world(CALL)?;
  let all = agree(&world, [len_or_minus_one(Some(send)), i64::from(send.overlaps(recv)), len_or_minus_one(Some(recv))]);
  let (counts, displs, total) = layout(CALL, &all)?;
  for (rank, a) in all.iter().enumerate() {
    check_recv(CALL, rank, a[2], total)?;
    if a[1] != 0 {
      return Err(MpiError::Disagree { call: CALL, message: format!("send and recv overlap on rank {rank}") });
    }
  }
  let mine = counts[usize::try_from(world.rank()).unwrap_or(0)];
  // SAFETY: as in `gatherv`, with `recv` of the total length on every rank (agreed above).
  check(CALL, unsafe {
    let double = ffi::RSMPI_DOUBLE;
    let (c, d) = (counts.as_ptr(), displs.as_ptr());
    ffi::MPI_Allgatherv(send.ptr.cast(), mine, double, recv.ptr.cast(), c, d, double, world.as_raw())
  })?;
  Ok(counts)
}

/// Ends every rank of the job with `code` (MPI_Abort), after writing `message` to stderr with this rank's
/// number. Without MPI running, ends this process only.
pub fn abort(code: i32, message: &str) -> ! {
  let world = session::world("abort").ok();
  let rank = world.as_ref().map_or_else(|| "?".to_string(), |w| w.rank().to_string());
  // Nothing is left to report a failed write to; the abort goes ahead regardless.
  let _ = writeln!(std::io::stderr(), "calor-mpi: rank {rank} aborts the job (code {code}): {message}");
  // The launcher forwards this rank's stderr through a pipe and tears every rank (and the forwarding)
  // down on MPI_Abort; without a moment's grace the message above was lost in about 1 abort in 10.
  std::thread::sleep(std::time::Duration::from_millis(200));
  match world {
    Some(world) => world.abort(code),
    None => std::process::exit(code),
  }
}

#[cfg(test)]
mod tests {
  use super::{check_recv, layout, one_root};
  use crate::error::MpiError;

  #[test]
  fn layout_lays_slabs_end_to_end_in_rank_order() {
    let all = [[1, 0, -1], [2, 0, -1], [3, 0, 6]];
    assert_eq!(layout("gatherv", &all), Ok((vec![1, 2, 3], vec![0, 1, 3], 6)));
  }

  #[test]
  fn layout_refuses_a_total_beyond_a_c_int() {
    let all = [[i64::from(i32::MAX), 0, 0], [1, 0, 0]];
    let error = layout("gatherv", &all).unwrap_err();
    assert!(error.to_string().contains("rank 1 sends 1"), "{error}");
    assert!(layout("gatherv", &[[-1, 0, 0]]).is_err(), "a rank whose slab did not fit a C int");
  }

  #[test]
  fn one_root_needs_every_rank_to_name_the_same_rank_in_range() {
    assert_eq!(one_root("bcast", 3, &[[0, 2, 0], [0, 2, 0], [0, 2, 0]]), Ok(2));
    let disagree = one_root("bcast", 3, &[[0, 0, 0], [0, 0, 0], [0, 1, 0]]).unwrap_err();
    assert_eq!(disagree.to_string(), "bcast: ranks disagree on root: rank 0 gives 0, rank 2 gives 1");
    let outside = one_root("bcast", 2, &[[0, 2, 0], [0, 2, 0]]).unwrap_err();
    assert_eq!(outside.to_string(), "bcast: root must be a rank in 0..2, got 2");
  }

  #[test]
  fn check_recv_names_the_rank_and_both_lengths() {
    assert_eq!(check_recv("gatherv", 0, 6, 6), Ok(()));
    let short = check_recv("gatherv", 0, 5, 6).unwrap_err();
    assert_eq!(short.to_string(), "gatherv: recv on rank 0 must hold 6 values, got 5 values");
    let none = check_recv("gatherv", 1, -1, 6).unwrap_err();
    assert!(matches!(none, MpiError::Disagree { .. }));
    assert_eq!(none.to_string(), "gatherv: recv on rank 1 must hold 6 values, got none");
  }
}
