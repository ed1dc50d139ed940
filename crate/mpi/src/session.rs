//! The MPI lifecycle of this process: not started, running (owned by one thread), finalized.
//!
//! MPI is started with MPI_THREAD_FUNNELED: only the thread that called `init` (the main thread or one
//! worker thread) may make MPI calls, and every call checks that it is that thread. The other threads of
//! the rank (the solver's workers) never call MPI; they share memory with the calling thread instead.

use std::sync::{Mutex, PoisonError};
use std::thread::{self, ThreadId};

use mpi::environment::{Threading, Universe};
use mpi::topology::SimpleCommunicator;
use mpi::traits::Communicator;

use crate::error::MpiError;

enum Lifecycle {
  Idle,
  Running { universe: Universe, thread: ThreadId, threading: Threading },
  Finalized,
}

static STATE: Mutex<Lifecycle> = Mutex::new(Lifecycle::Idle);

/// What `init` reports about this rank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
  pub rank: i32,
  pub size: i32,
  /// The thread support MPI granted: "single", "funneled", "serialized" or "multiple".
  pub threading: &'static str,
}

fn threading_name(threading: Threading) -> &'static str {
  match threading {
    Threading::Single => "single",
    Threading::Funneled => "funneled",
    Threading::Serialized => "serialized",
    Threading::Multiple => "multiple",
  }
}

fn lock() -> std::sync::MutexGuard<'static, Lifecycle> {
  // A poisoned lock only means another call panicked while holding it; the state itself is a plain enum.
  STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts MPI once; later calls from the same thread report the same rank and size.
pub fn init() -> Result<Started, MpiError> {
  let mut state = lock();
  if let Lifecycle::Idle = *state {
    if mpi::environment::is_initialized() {
      return Err(MpiError::Init("MPI was already initialized by other code in this process".into()));
    }
    let (universe, threading) = mpi::initialize_with_threading(Threading::Funneled)
      .ok_or_else(|| MpiError::Init("MPI_Init_thread did not start MPI".into()))?;
    *state = Lifecycle::Running { universe, thread: thread::current().id(), threading };
  }
  match &*state {
    Lifecycle::Running { universe, thread, threading } => {
      if *thread != thread::current().id() {
        return Err(MpiError::WrongThread { call: "init" });
      }
      let world = universe.world();
      Ok(Started { rank: world.rank(), size: world.size(), threading: threading_name(*threading) })
    }
    Lifecycle::Finalized => Err(MpiError::Finalized { call: "init" }),
    Lifecycle::Idle => Err(MpiError::Init("MPI did not start".into())),
  }
}

/// Finalizes MPI (MPI_Finalize) if it is running; does nothing when it never started or already ended.
pub fn finalize() -> Result<(), MpiError> {
  let mut state = lock();
  if let Lifecycle::Running { thread, .. } = &*state {
    if *thread != thread::current().id() {
      return Err(MpiError::WrongThread { call: "finalize" });
    }
    // Dropping the universe calls MPI_Finalize.
    *state = Lifecycle::Finalized;
  }
  Ok(())
}

/// Whether MPI is running in this process (whichever thread owns it).
#[must_use]
pub fn is_running() -> bool {
  matches!(*lock(), Lifecycle::Running { .. })
}

/// MPI_COMM_WORLD, for a call made from the thread that owns MPI while it runs.
pub fn world(call: &'static str) -> Result<SimpleCommunicator, MpiError> {
  match &*lock() {
    Lifecycle::Running { thread, .. } if *thread != thread::current().id() => Err(MpiError::WrongThread { call }),
    Lifecycle::Running { universe, .. } => Ok(universe.world()),
    Lifecycle::Idle => Err(MpiError::NotInitialized { call }),
    Lifecycle::Finalized => Err(MpiError::Finalized { call }),
  }
}
