;; bug-catalog #49 (lunatic a8281a5 "Fix panic detection for linked processes"): the CLI dropped the
;; main process's result, so a main process that hit `unreachable` exited 0. The main process's
;; trap must be its outcome (never exit 0), and the process must be reported dead with Failure.
(module
  (import "lunatic::process" "process_id" (func $process_id (result i64)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i64.store (i32.const 16) (call $process_id))
    unreachable))
