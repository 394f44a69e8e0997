;; Finding on wasm3 0.5.0 and HEAD c9b579d (v0.9.0): an export that calls proc_exit(49), run as
;; `wasm3 --func exit_now m.wasm`, prints "Error: [trap] program called exit" and the process
;; exits 1: the guest's code is lost (platforms/app/main.c turns trapExit into exit(code) only
;; when the function run is `_start`; its REPL drops it with a TODO). WASI preview1 proc_exit
;; terminates the process with the given code, and wasm3 meant to honour it outside the REPL
;; (wasm3 PR #59, "return exit code on wasi proc_exit call"), so the step is exit 49 with
;; nothing written.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start"))
  (func (export "exit_now")
    (call $proc_exit (i32.const 49))
    unreachable))
