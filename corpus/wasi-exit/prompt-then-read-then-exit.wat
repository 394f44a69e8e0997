;; wasmtime#7437 -> PR#7441: printf("> "); fflush(); read() printed nothing because stdout was
;; line-buffered. The prompt appears before the read, the echo after it, and the exit code is
;; the number of bytes read (stdin "abc": 3).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\02\00\00\00")  ;; iovec {buf = 16, len = 2}
  (data (i32.const 16) "> ")
  (data (i32.const 32) "\40\00\00\00\10\00\00\00")  ;; read iovec {buf = 64, len = 16}
  (func (export "_start")
    (local $n i32)
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $fd_read (i32.const 0) (i32.const 32) (i32.const 1) (i32.const 40)))
    (local.set $n (i32.load (i32.const 40)))
    ;; echo what was read: iovec {buf = 64, len = n} at 48
    (i32.store (i32.const 48) (i32.const 64))
    (i32.store (i32.const 52) (local.get $n))
    (drop (call $fd_write (i32.const 1) (i32.const 48) (i32.const 1) (i32.const 8)))
    (call $proc_exit (local.get $n))))
