;; Bun PR#34474: proc_exit went straight to process.exit(); the host must see exit 7 and survive.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 7))
    unreachable))
