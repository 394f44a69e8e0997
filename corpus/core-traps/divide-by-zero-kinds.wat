;; wasmtime PR#12843: Pulley put the wrong opcode into divide-by-zero trap metadata. Every
;; division and remainder by zero is "integer divide by zero", whatever the opcode.
(module
  (func (export "i32.div_s") (param i32) (result i32) (i32.div_s (i32.const 7) (local.get 0)))
  (func (export "i32.rem_s") (param i32) (result i32) (i32.rem_s (i32.const 7) (local.get 0)))
  (func (export "i32.rem_u") (param i32) (result i32) (i32.rem_u (i32.const 7) (local.get 0)))
  (func (export "i64.div_u") (param i64) (result i64) (i64.div_u (i64.const 7) (local.get 0)))
  (func (export "i64.rem_s") (param i64) (result i64) (i64.rem_s (i64.const -9223372036854775808) (local.get 0))))
