;; wasi-threads: a thread spawned by the start section calls proc_exit(5) while main's start function waits: instantiation ends with exit 5.
;; Expected: the instantiate step observes {"kind": "exit", "code": 5}; the process is over, so _start repeats it.
(module
  (import "env" "memory" (memory 1 1 shared))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  ;; every thread instantiates the module again, so the start function runs in each: only the first
  ;; (main's, which claims the word at 128) spawns and waits; a spawned thread's start returns at once
  (func $init
    (if (i32.atomic.rmw.cmpxchg (i32.const 128) (i32.const 0) (i32.const 1)) (then return))
    (if (i32.le_s (call $spawn (i32.const 1)) (i32.const 0)) (then unreachable))
    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))))
  (start $init)
  (func (export "_start"))
  (func (export "wasi_thread_start") (param i32 i32) (call $exit (i32.const 5))))
