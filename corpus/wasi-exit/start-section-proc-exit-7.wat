;; wasmer#361: proc_exit(7) in the start function gave "Can't instantiate module:
;; CallError(RuntimeError: Instance exited)" and exit code 1. The exit is the outcome of the
;; instantiation itself: exit 7, nothing else.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func $main
    (call $proc_exit (i32.const 7)))
  (start $main)
  (func (export "_start")))
