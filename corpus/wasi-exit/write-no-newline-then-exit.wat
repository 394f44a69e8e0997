;; wasmer#363 / wasmtime#7437: fd_write was buffered (line-buffered on the host), so a prompt
;; without a newline was lost at exit. Every byte written before proc_exit is observable.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\02\00\00\00")  ;; iovec {buf = 16, len = 2}
  (data (i32.const 16) "> ")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $proc_exit (i32.const 3))))
