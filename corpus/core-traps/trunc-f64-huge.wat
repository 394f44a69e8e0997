;; wasmer#6524, second trigger: truncating ~1.0e40 to i32 must be a clean "integer overflow".
(module
  (func (export "run") (result i32)
    f64.const 0x1.d6329f1c35ca5p+132
    i32.trunc_f64_s))
