//! Typed arrays taken from JS as a raw pointer and a length, without ever forming a Rust reference.
//!
//! The fields live in SharedArrayBuffers that several worker threads read and write at once (each its
//! own rows). A `&[f64]` or `&mut [f64]` over a whole field would claim, for the duration of the call,
//! that nobody else writes (or touches) that memory, which is false. These wrappers only carry the
//! address; `schedule` forms short-lived slices over the exact rows a thread may touch in each phase.

use napi::bindgen_prelude::{FromNapiValue, TypeName, ValueType};
use napi::{sys, Error, Status};

/// Address and length of a typed array's elements.
#[derive(Clone, Copy, Debug)]
pub struct RawArray<T> {
  pub ptr: *mut T,
  pub len: usize,
}

/// A Float64Array, usually over a SharedArrayBuffer.
pub type RawF64Array = RawArray<f64>;
/// An Int32Array, usually over a SharedArrayBuffer (the control block).
pub type RawI32Array = RawArray<i32>;

/// Element types a `RawArray` may hold, with their N-API typed-array code.
pub trait Element {
  const CODE: sys::napi_typedarray_type;
  const NAME: &'static str;
}

impl Element for f64 {
  const CODE: sys::napi_typedarray_type = sys::TypedarrayType::float64_array;
  const NAME: &'static str = "Float64Array";
}

impl Element for i32 {
  const CODE: sys::napi_typedarray_type = sys::TypedarrayType::int32_array;
  const NAME: &'static str = "Int32Array";
}

impl<T: Element> TypeName for RawArray<T> {
  fn type_name() -> &'static str {
    T::NAME
  }
  fn value_type() -> ValueType {
    ValueType::Object
  }
}

impl<T: Element> FromNapiValue for RawArray<T> {
  unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
    let mut kind = 0;
    let mut len = 0;
    let mut data = std::ptr::null_mut();
    let mut buffer = std::ptr::null_mut();
    let mut offset = 0;
    // SAFETY: `env` and `value` come from the N-API callback; every out-pointer is a valid local.
    let status = unsafe {
      sys::napi_get_typedarray_info(
        env,
        value,
        &raw mut kind,
        &raw mut len,
        &raw mut data,
        &raw mut buffer,
        &raw mut offset,
      )
    };
    if status != sys::Status::napi_ok || kind != T::CODE {
      return Err(Error::new(Status::InvalidArg, format!("expected a {}", T::NAME)));
    }
    let ptr = if len == 0 { std::ptr::NonNull::dangling().as_ptr() } else { data.cast::<T>() };
    if !ptr.is_aligned() {
      return Err(Error::new(Status::InvalidArg, format!("{} is not aligned", T::NAME)));
    }
    Ok(Self { ptr, len })
  }
}
