;; wasi-threads: one clock per process. A thread sleeps 10 s in poll_oneoff (relative monotonic clock), then would exit 1;
;; main, once the thread started, waits 1 ms on a word nobody notifies (timed out: 2) and exits 10 + 2.
;; Expected: exit 12: main's deadline (1 ms) comes before the thread's (10 s) on the process's one clock.
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (func (export "_start") (if (i32.le_s (call $spawn (i32.const 1)) (i32.const 0)) (then unreachable))
    (loop $l (if (i32.eqz (i32.atomic.load (i32.const 0))) (then (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))) (br $l))))
    (call $exit (i32.add (i32.const 10) (memory.atomic.wait32 (i32.const 64) (i32.const 0) (i64.const 1000000)))))
  (func (export "wasi_thread_start") (param i32 i32)
    ;; one relative monotonic clock subscription of 10 s at 512 (userdata 0, tag 0 @520, id 1 @528, timeout @536)
    (i32.store (i32.const 528) (i32.const 1))
    (i64.store (i32.const 536) (i64.const 10000000000))
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1))) (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))
    (drop (call $poll (i32.const 512) (i32.const 600) (i32.const 1) (i32.const 640)))
    (call $exit (i32.const 1))))
