//! A view of Float64Array memory as an address and a length, never as a Rust reference.
//!
//! The halo rows MPI sends and receives live in SharedArrayBuffers that the rank's worker threads also
//! touch (other rows, at other times). A `&[f64]` over them would claim exclusive or frozen access the
//! whole call long, which is false; MPI reads and writes through the raw address instead.

use std::os::raw::c_int;

use crate::error::MpiError;

/// Address and length (in doubles) of a typed array's elements.
#[derive(Clone, Copy, Debug)]
pub struct View {
  pub ptr: *mut f64,
  pub len: usize,
}

impl View {
  /// The length as an MPI count, refused when it does not fit a C int.
  pub fn count(self, call: &'static str, what: &'static str) -> Result<c_int, MpiError> {
    c_int::try_from(self.len).map_err(|_| MpiError::argument(call, what, "at most 2147483647 values long", self.len))
  }

  /// Whether the two views share any element (MPI forbids a send buffer that aliases the receive buffer).
  #[must_use]
  pub fn overlaps(self, other: Self) -> bool {
    let (a, b) = (self.ptr as usize, other.ptr as usize);
    let bytes = std::mem::size_of::<f64>();
    self.len > 0 && other.len > 0 && a < b + other.len * bytes && b < a + self.len * bytes
  }
}

#[cfg(test)]
mod tests {
  use super::View;

  fn view(data: &mut [f64], from: usize, len: usize) -> View {
    View { ptr: data[from..].as_mut_ptr(), len }
  }

  #[test]
  fn overlap_is_found_only_when_elements_are_shared() {
    let mut data = [0.0; 8];
    let cases =
      [((0, 4), (4, 4), false, "adjacent"), ((0, 5), (4, 4), true, "one shared"), ((2, 0), (0, 8), false, "empty")];
    for ((a, la), (b, lb), expected, why) in cases {
      let (x, y) = (view(&mut data, a, la), view(&mut data, b, lb));
      assert_eq!(x.overlaps(y), expected, "{why}");
      assert_eq!(y.overlaps(x), expected, "{why}, swapped");
    }
  }

  #[test]
  fn count_refuses_lengths_beyond_a_c_int() {
    let v = View { ptr: std::ptr::null_mut(), len: 1 << 31 };
    assert!(v.count("sendrecv", "send").is_err());
    assert_eq!(View { len: 7, ..v }.count("sendrecv", "send"), Ok(7));
  }
}
