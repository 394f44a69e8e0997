;; A passive data segment must still be there for memory.init after an earlier call. wizer 10.0.0
;; dropped passive segments from its snapshot (wasmtime PR #11876 fixed it for wizer 11), so a step
;; chained on the snapshot of `nop` read the wrong segment and trapped out of bounds.
(module
  (memory (export "memory") 1)
  (data $p "passive")
  (data (i32.const 8) "act")
  (func (export "nop"))
  (func (export "init") (memory.init $p (i32.const 100) (i32.const 0) (i32.const 7))))
