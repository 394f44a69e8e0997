;; bug-catalog #38 (wasmtime#11086, #10995; PR#12349): after a trap, every later call into the
;; component fails "cannot enter component instance"; since wasmtime 42 the whole store is poisoned.
;; f(x) counts its calls at 0 and traps on bad input (x = 0), else returns x + 100.
(module
  (memory (export "memory") 1 1)
  (func (export "f") (param $x i32) (result i32)
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (if (i32.eqz (local.get $x)) (then unreachable))
    (i32.add (local.get $x) (i32.const 100))))
