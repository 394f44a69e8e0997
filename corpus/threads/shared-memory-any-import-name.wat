;; wasi-threads: the shared memory may be imported under any module and field name (toolchains differ).
;; Expected: exit 42: the spawned thread stores 42 and notifies; main waits for it and exits with the stored value.
(module
  (import "my-toolchain" "the shared heap" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func (export "_start") (if (i32.le_s (call $spawn (i32.const 7)) (i32.const 0)) (then unreachable))
    (loop $l (if (i32.eqz (i32.atomic.load (i32.const 0))) (then (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))) (br $l))))
    (call $exit (i32.atomic.load (i32.const 0))))
  (func (export "wasi_thread_start") (param i32 i32)
    (i32.atomic.store (i32.const 0) (i32.add (local.get 1) (i32.const 35)))
    (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))))
