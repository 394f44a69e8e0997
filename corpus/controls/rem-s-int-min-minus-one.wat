;; wasmtime PR#9803 (Pulley) and wasmi#1741: rem_s(INT_MIN, -1) trapped "integer overflow"
;; because Rust's checked_rem returns None. The result is 0 and there is no trap; only div_s
;; overflows.
(module
  (func (export "const32") (result i32)
    (i32.rem_s (i32.const 0x80000000) (i32.const -1)))
  (func (export "rem_s") (param i32 i32) (result i32)
    (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "const64") (result i64)
    (i64.rem_s (i64.const 0x8000000000000000) (i64.const -1)))
  (func (export "rem_s64") (param i64 i64) (result i64)
    (i64.rem_s (local.get 0) (local.get 1))))
