;; Catalog #5 family: NaN has no integer value: "invalid conversion to integer", not overflow.
(module
  (func (export "f32_u") (result i32) (i32.trunc_f32_u (f32.const nan)))
  (func (export "f64_s") (result i64) (i64.trunc_f64_s (f64.const -nan:0x4)))
  (func (export "param") (param f64) (result i32) (i32.trunc_f64_s (local.get 0))))
