;; wasmer#361 with output: the start function prints a line, then exits 7. The bytes written
;; before the exit are observable.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\05\00\00\00")  ;; iovec {buf = 16, len = 5}
  (data (i32.const 16) "boot\n")
  (func $main
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $proc_exit (i32.const 7)))
  (start $main)
  (func (export "_start")))
