;; wasmtime#6919: 256 becomes 0 under POSIX truncation. The case records the raw guest value 256; profiles map it.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 256))
    unreachable))
