;; wasmtime#6919 / WASI PR#235 / WASI#551: codes >= 126 are contested. The guest value is 126; profiles map it.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 126))
    unreachable))
