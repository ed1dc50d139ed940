//! Run-time choice of instruction set. The addon is built for the baseline x86-64 and carries AVX2
//! and AVX-512 copies of each hot loop: [`isa_copies!`] writes those copies and the dispatch, so a
//! loop is written once (inlined into every copy, which then differ only in vector width, never in
//! the order of operations). No FMA: see the module doc of `stencil`.

/// The widest vector instructions this CPU has, detected at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
  Baseline,
  #[cfg(target_arch = "x86_64")]
  Avx2,
  #[cfg(target_arch = "x86_64")]
  Avx512,
}

impl Isa {
  /// The best copy for this CPU (std caches the CPUID answers, so this is cheap).
  #[must_use]
  pub fn detect() -> Self {
    #[cfg(target_arch = "x86_64")]
    {
      if std::is_x86_feature_detected!("avx512f") {
        return Isa::Avx512;
      }
      if std::is_x86_feature_detected!("avx2") {
        return Isa::Avx2;
      }
    }
    Isa::Baseline
  }
}

/// `isa_copies!(fn method(args) -> Ret = body_fn);` adds `Isa::method(self, args)`, which calls
/// `body_fn(args)` compiled for the instruction set `self` names. `body_fn` must be
/// `#[inline(always)]` so that each copy compiles it for its own target features.
macro_rules! isa_copies {
  ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = $body:ident;) => {
    impl $crate::stencil::Isa {
      $(#[$meta])*
      #[inline]
      $vis fn $name(self, $($arg: $ty),*) -> $ret {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        fn avx2($($arg: $ty),*) -> $ret {
          $body($($arg),*)
        }
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f")]
        fn avx512($($arg: $ty),*) -> $ret {
          $body($($arg),*)
        }
        match self {
          $crate::stencil::Isa::Baseline => $body($($arg),*),
          // SAFETY: `Isa::detect` chose this variant only after finding AVX2 on the running CPU.
          #[cfg(target_arch = "x86_64")]
          $crate::stencil::Isa::Avx2 => unsafe { avx2($($arg),*) },
          // SAFETY: `Isa::detect` chose this variant only after finding AVX-512F on the running CPU.
          #[cfg(target_arch = "x86_64")]
          $crate::stencil::Isa::Avx512 => unsafe { avx512($($arg),*) },
        }
      }
    }
  };
}

pub(super) use isa_copies;
