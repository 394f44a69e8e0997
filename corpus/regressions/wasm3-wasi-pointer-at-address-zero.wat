;; Finding on wasm3 0.5.0 (fixed at wasm3 HEAD c9b579d, "Fix #266", commit c9e72c4): a WASI call
;; whose pointer argument is linear-memory address 0 traps "out of bounds memory access".
;; m3ApiCheckMem rejected any host pointer <= the memory base (m3ApiIsNullPtr), i.e. wasm
;; address 0. Address 0 of a one-page memory is in bounds (core spec 4.4.7: an access is
;; out of bounds only when ea + N > |mem.data|), and WASI preview1 pointers are plain offsets
;; into the exported memory, so fd_write with its iovec at 0 must write "hi\n" and _start
;; returns normally: exit 0.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\03\00\00\00")  ;; iovec at address 0: {buf = 16, len = 3}
  (data (i32.const 16) "hi\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
