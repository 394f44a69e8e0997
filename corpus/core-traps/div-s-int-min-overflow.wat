;; wasmtime PR#9803 / wasmi#1741 encode the must-not-trap rem_s side; this is the other side:
;; div_s(INT_MIN, -1) is the only signed division that overflows, and it must trap.
(module
  (func (export "div_s") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "div_s64") (param i64 i64) (result i64)
    (i64.div_s (local.get 0) (local.get 1))))
