;; WebAssembly/spec#1224 (complement): -2147483648.1 truncates to a representable value and must
;; not trap (see controls/), but -2147483649.0 and 2147483648.0 are out of range and must.
(module
  (func (export "below") (result i32) (i32.trunc_f64_s (f64.const -2147483649.0)))
  (func (export "above") (result i32) (i32.trunc_f64_s (f64.const 2147483648.0)))
  (func (export "below_u") (result i32) (i32.trunc_f64_u (f64.const -1.0)))
  (func (export "above_u") (result i32) (i32.trunc_f64_u (f64.const 4294967296.0))))
