;; wasm3#554 variation: the largest delta (0xffffffff pages) must fail with -1, on a zero-page
;; memory as well, and the memory stays empty.
(module
  (memory 0)
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "size") (result i32)
    (memory.size))
  (func (export "load") (param i32) (result i32)
    (i32.load8_u (local.get 0))))
