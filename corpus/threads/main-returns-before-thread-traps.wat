;; WAMR PR#2169 / PR#2524: main returns while a thread would trap later; the return (exit 0) ends the process first
;; Expected: {"kind": "exit", "code": 0}; exactly one thread ends the process, the other is parked first (serialised in the guest, never by sleeping).
(module
  (import "foo" "bar" (memory 1 1 shared))
  (export "memory" (memory 0))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  ;; the thread traps only after the word at 20 is set, which main never does: main's return wins deterministically
  (func (export "_start") (if (i32.le_s (call $spawn (i32.const 1)) (i32.const 0)) (then unreachable)))
  (func (export "wasi_thread_start") (param i32 i32)
    (drop (memory.atomic.wait32 (i32.const 20) (i32.const 0) (i64.const -1))) unreachable))
