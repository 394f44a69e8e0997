;; WasmEdge#1378: under AOT, a guest exit(1) gave exit code 0 (the interpreter gave 1).
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 1))
    unreachable))
