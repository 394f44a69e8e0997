;; wazero#1283 -> PR#1284: a zig-built command failed with `module "" closed with
;; exit_code(0)`: start functions run during instantiation, and exit(0) there is success.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func $main
    (call $proc_exit (i32.const 0)))
  (start $main)
  (func (export "_start")))
