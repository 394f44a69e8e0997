;; wasmtime#6919 / WASI#551: 255 is a valid POSIX status but >= 126. The guest value is 255.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 255))
    unreachable))
