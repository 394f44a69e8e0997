;; wasmer#5130: a panic (abort → unreachable) in a spawned thread while main joins deadlocked the WASIX process
;; Expected: {"kind": "trap", "trap": "unreachable"}; exactly one thread ends the process, the other is parked first (serialised in the guest, never by sleeping).
(module
  (import "foo" "bar" (memory 1 1 shared))
  (export "memory" (memory 0))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  ;; main joins the thread: wait until the join word (addr 16) is set; it never is
  (func $join (loop $l (if (i32.eqz (i32.atomic.load (i32.const 16)))
    (then (drop (memory.atomic.wait32 (i32.const 16) (i32.const 0) (i64.const -1))) (br $l)))))
  (func (export "_start") (if (i32.le_s (call $spawn (i32.const 1)) (i32.const 0)) (then unreachable)) (call $join) (call $exit (i32.const 5)))
  (func (export "wasi_thread_start") (param i32 i32) unreachable))
