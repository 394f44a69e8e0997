;; wasi-threads wasi_threads_exit_nonmain_wasi_read: a thread exits 99 while main is blocked in fd_read on a stdin that never closes
;; Expected: {"kind": "exit", "code": 99}; exactly one thread ends the process, the other is parked first (serialised in the guest, never by sleeping).
(module
  (import "foo" "bar" (memory 1 1 shared))
  (export "memory" (memory 0))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (data (i32.const 256) "\00\02\00\00\01\00\00\00")
  (func (export "_start") (if (i32.le_s (call $spawn (i32.const 1)) (i32.const 0)) (then unreachable))
    (drop (call $read (i32.const 0) (i32.const 256) (i32.const 1) (i32.const 264))) unreachable)
  (func (export "wasi_thread_start") (param i32 i32)
    ;; the "make sure main is parked" wait: 500 ms, which virtual time ends as soon as main blocks
    (if (i32.ne (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 500000000)) (i32.const 2)) (then unreachable))
    (call $exit (i32.const 99))))
