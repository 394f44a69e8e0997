;; WebAssembly/spec#1224 (families: "the exact-boundary conversions"): values whose truncation
;; is just inside the target range convert without a trap.
(module
  (func (export "i32_s_max") (result i32) (i32.trunc_f64_s (f64.const 2147483647.9)))
  (func (export "i32_s_min") (result i32) (i32.trunc_f32_s (f32.const -2147483648.0)))
  (func (export "i32_u_neg") (result i32) (i32.trunc_f64_u (f64.const -0.9)))
  (func (export "i32_u_max") (result i32) (i32.trunc_f64_u (f64.const 4294967295.9)))
  (func (export "i64_s_min") (result i64) (i64.trunc_f64_s (f64.const -9223372036854775808.0)))
  (func (export "i64_u_neg") (result i64) (i64.trunc_f32_u (f32.const -0.99))))
