;; wasmtime#6919 / WASI PR#235: 125 is the largest code every runtime passes through.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 125))
    unreachable))
