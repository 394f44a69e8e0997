;; WAMR iwasm (2.0.0, 2.4.5 fast and classic): proc_exit(4) called from the start function ends
;; the process with status 255 and `WASM module instantiate failed: Exception: wasi proc exit` on
;; stdout, in command mode and under --repl alike: the guest's exit code is lost. WASI preview1
;; proc_exit "terminates the process" with the given code; running the start function is part of
;; instantiating the command, so the process must end with status 4 (as wasmer#361 was fixed to do).
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func $init
    (call $proc_exit (i32.const 4)))
  (start $init)
  (func (export "_start")))
