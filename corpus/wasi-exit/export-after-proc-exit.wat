;; wazero#2357 / PR#2367: TinyGo calls proc_exit(0) at the end of _start; wazero then closes the
;; module and later export calls fail (host calls could panic). After proc_exit the instance is
;; dead: a later call observes the same exit, deterministically, never a crash.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 0)))
  (func (export "after") (result i32)
    i32.const 1))
