;; Catalog #1/#3 family, atomics: a misaligned atomic access traps "unaligned atomic" even in
;; bounds; an aligned one past the end is "out of bounds memory access".
(module
  (memory 1 1 shared)
  (func (export "load") (param i32) (result i32)
    (i32.atomic.load (local.get 0)))
  (func (export "rmw") (param i32) (result i32)
    (i32.atomic.rmw.add (local.get 0) (i32.const 1))))
