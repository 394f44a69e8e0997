;; preview2-prototyping#56: the adapter hit `unreachable` right after proc_exit. proc_exit does
;; not return, so the `unreachable` after it never runs: exit 5, not a trap.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 5))
    unreachable))
