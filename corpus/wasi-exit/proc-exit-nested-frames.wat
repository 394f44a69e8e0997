;; wasmtime#10167 / families ("exit from every site"): proc_exit deep in the call stack unwinds
;; every frame and is told apart from a trap. Frames below it never resume (no trap from
;; the unreachable in each caller), and effects before the exit persist.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func $level (param $n i32)
    (i32.store8 (local.get $n) (i32.add (local.get $n) (i32.const 0x30)))
    (if (i32.eqz (local.get $n))
      (then (call $proc_exit (i32.const 42))))
    (call $level (i32.sub (local.get $n) (i32.const 1)))
    unreachable)
  (func (export "_start")
    (call $level (i32.const 5))
    unreachable))
