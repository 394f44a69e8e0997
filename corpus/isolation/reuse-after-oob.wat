;; WAMR#575 variation: after an out-of-bounds trap (and a divide-by-zero trap) the instance
;; keeps working; memory written before the traps is intact.
(module
  (memory (export "memory") 1)
  (func (export "store") (param i32 i32)
    (i32.store (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32)
    (i32.load (local.get 0)))
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1))))
