;; wasmtime#900 / PR#8149: stack exhaustion that lands in (or right next to) a host import must
;; not segfault or longjmp over host frames. Each frame calls a host function (WASI
;; sched_yield, which has no visible effect) before recursing.
(module
  (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
  (memory (export "memory") 1)
  (func $r (param $n i32) (result i32)
    (drop (call $yield))
    (i32.add (call $r (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))
  (func (export "run") (result i32)
    (call $r (i32.const 0)))
  (func (export "alive") (result i32)
    (call $yield)))
