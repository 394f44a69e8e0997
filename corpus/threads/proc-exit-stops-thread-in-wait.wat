;; WAMR#1910: proc_exit did not stop a thread blocked in atomic.wait; all threads must stop and the process exit 3
;; Expected: {"kind": "exit", "code": 3}; exactly one thread ends the process, the other is parked first (serialised in the guest, never by sleeping).
(module
  (import "foo" "bar" (memory 1 1 shared))
  (export "memory" (memory 0))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  ;; main waits until the thread has parked (it bumps addr 0 first), then exits
  (func (export "_start") (if (i32.le_s (call $spawn (i32.const 1)) (i32.const 0)) (then unreachable))
    (loop $l (if (i32.eqz (i32.atomic.load (i32.const 0))) (then (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))) (br $l))))
    (call $exit (i32.const 3)))
  (func (export "wasi_thread_start") (param i32 i32)
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1))) (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
    (drop (memory.atomic.wait32 (i32.const 64) (i32.const 0) (i64.const -1)))))
