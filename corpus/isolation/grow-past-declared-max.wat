;; wazero#1153 / wasmer PR#5379: the declared maximum is the limit. Growing to exactly the
;; maximum succeeds; one page more returns -1, and the new page is usable up to its last byte.
(module
  (memory (export "memory") 1 2)
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "size") (result i32)
    (memory.size))
  (func (export "poke") (param i32)
    (i32.store8 (local.get 0) (i32.const 0x77))))
