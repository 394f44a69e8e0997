;; wasmtime#6919: proc_exit(200) is an error exit 1 under wasmtime, 200 elsewhere. The guest value is 200.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 200))
    unreachable))
