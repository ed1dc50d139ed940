//! The futex system calls behind the barrier's sleep (a short back-off sleep elsewhere).

#[cfg(target_os = "linux")]
mod imp {
  use std::sync::atomic::AtomicI32;
  use std::time::Duration;

  /// Sleeps while `word` holds `expected`, for at most `timeout` (spurious wake-ups are fine).
  pub fn wait(word: &AtomicI32, expected: i32, timeout: Duration) {
    let ts = libc::timespec { tv_sec: 0, tv_nsec: i64::from(timeout.subsec_nanos()) };
    // SAFETY: `word` is a live, aligned 32-bit atomic for the whole call; FUTEX_WAIT only reads it
    // and compares it with `expected` atomically; `ts` outlives the call. The threads are all in
    // this process, so the private futex flag is correct.
    unsafe {
      libc::syscall(
        libc::SYS_futex,
        word.as_ptr(),
        libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
        expected,
        &raw const ts,
      );
    }
  }

  /// Wakes every thread sleeping on `word`.
  pub fn wake_all(word: &AtomicI32) {
    // SAFETY: `word` is a live, aligned 32-bit atomic; FUTEX_WAKE does not access its value.
    unsafe {
      libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, i32::MAX);
    }
  }
}

#[cfg(not(target_os = "linux"))]
mod imp {
  use std::sync::atomic::AtomicI32;
  use std::time::Duration;

  /// Without a futex, back off with short sleeps.
  pub fn wait(_word: &AtomicI32, _expected: i32, _timeout: Duration) {
    std::thread::sleep(Duration::from_micros(50));
  }

  pub fn wake_all(_word: &AtomicI32) {}
}

pub use imp::{wait, wake_all};
