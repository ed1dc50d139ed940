//! calor's native kernels. Each module is one concept; only `napi` knows about N-API, and it
//! only converts and checks arguments, maps errors and calls into the others.
//!
//! Dependencies run one way: `napi` → `schedule` → `stencil`, `boundary`, `grid`, `sync`;
//! `stencil` → `boundary`; `grid` → `boundary`; `frames`, `bandwidth` and `memory` stand alone.

pub mod bandwidth;
pub mod boundary;
pub mod error;
pub mod frames;
pub mod grid;
pub mod memory;
pub mod napi;
pub mod schedule;
pub mod stencil;
pub mod sync;
