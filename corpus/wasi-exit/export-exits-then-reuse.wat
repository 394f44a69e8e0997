;; wazero#2357 variation (catalog families: exit from "an export after instantiation"): an
;; export calls proc_exit(9); the next call observes the same exit 9.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "quit")
    (call $proc_exit (i32.const 9)))
  (func (export "ping") (result i32)
    i32.const 1))
