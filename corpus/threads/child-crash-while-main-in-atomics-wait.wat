;; emnapi PR#160: a child aborts while main sits in Atomics.wait; the process must abort promptly with non-zero status
;; Expected: {"kind": "trap", "trap": "out of bounds memory access"}; exactly one thread ends the process, the other is parked first (serialised in the guest, never by sleeping).
(module
  (import "foo" "bar" (memory 1 1 shared))
  (export "memory" (memory 0))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (func (export "_start") (if (i32.le_s (call $spawn (i32.const 1)) (i32.const 0)) (then unreachable))
    (drop (memory.atomic.wait32 (i32.const 16) (i32.const 0) (i64.const -1))))
  (func (export "wasi_thread_start") (param i32 i32) (drop (i32.load (i32.const 65536)))))
