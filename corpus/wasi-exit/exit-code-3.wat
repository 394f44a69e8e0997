;; wasmtime#6088: on Windows, exit codes >= 3 came back as 1; 0, 1 and 2 were right.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 3))
    unreachable))
