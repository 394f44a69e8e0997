;; WAVM#283 / wasmtime#3772 (related items): after a trap, the C shadow-stack pointer global is
;; not reset. That is core semantics (no rollback): the embedder or the toolchain must restore
;; it. The global keeps the value it had when the trap happened.
(module
  (memory (export "memory") 1)
  (global $sp (export "__stack_pointer") (mut i32) (i32.const 65536))
  (func (export "work") (param $fail i32) (result i32)
    (global.set $sp (i32.sub (global.get $sp) (i32.const 32)))
    (i32.store (global.get $sp) (i32.const 1))
    (if (local.get $fail) (then unreachable))
    (global.set $sp (i32.add (global.get $sp) (i32.const 32)))
    (i32.const 0)))
