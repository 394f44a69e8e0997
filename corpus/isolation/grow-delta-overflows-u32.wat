;; wasm3#554: a page-to-byte overflow wrapped to 0, so memory.grow reported success and the next
;; access trapped. From 1 page, growing by 65536 pages (65536 * 65536 bytes = 2^32, which wraps
;; to 0 in 32 bits) exceeds the 65536-page limit: it must return -1 and change nothing.
(module
  (memory 1)
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "size") (result i32)
    (memory.size))
  (func (export "load") (param i32) (result i32)
    (i32.load8_u (local.get 0))))
