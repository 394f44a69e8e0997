;; wasi-testsuite PR#38: 33 cannot be confused with a trap exit (1 or 134).
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 33))
    unreachable))
