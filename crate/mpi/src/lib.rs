//! calor-mpi: the optional MPI addon of calor. It only communicates (rank, halo exchange, reductions,
//! gather); the stencil kernel stays in the main addon. All N-API code is in `napi`; `session` owns the
//! MPI lifecycle and `comm` the calls, over raw views of (usually shared) Float64Array memory.

pub mod comm;
pub mod error;
pub mod napi;
pub mod session;
pub mod view;
