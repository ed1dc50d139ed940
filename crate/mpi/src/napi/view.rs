//! Reads a Float64Array argument as a `View`: its address and length, without forming a reference.

use napi::bindgen_prelude::{FromNapiValue, TypeName, ValidateNapiValue, ValueType};
use napi::{sys, Error, Status};

use crate::view::View;

/// A Float64Array argument, usually over a SharedArrayBuffer.
pub struct NapiView(pub View);

impl TypeName for NapiView {
  fn type_name() -> &'static str {
    "Float64Array"
  }
  fn value_type() -> ValueType {
    ValueType::Object
  }
}

impl ValidateNapiValue for NapiView {}

impl FromNapiValue for NapiView {
  unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
    let (mut kind, mut len, mut data, mut buffer, mut offset) = (0, 0, std::ptr::null_mut(), std::ptr::null_mut(), 0);
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
    if status != sys::Status::napi_ok || kind != sys::TypedarrayType::float64_array {
      return Err(Error::new(Status::InvalidArg, "expected a Float64Array".to_string()));
    }
    // An empty view may have a null address; MPI is given a dangling but aligned one and a count of 0.
    let ptr = if len == 0 { std::ptr::NonNull::<f64>::dangling().as_ptr() } else { data.cast::<f64>() };
    if !ptr.is_aligned() {
      return Err(Error::new(Status::InvalidArg, "the Float64Array is not 8-byte aligned".to_string()));
    }
    Ok(Self(View { ptr, len }))
  }
}
