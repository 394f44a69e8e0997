;; wasm-micro-runtime#4783: fast-interp and LLVM-JIT dropped a dead out-of-bounds load and
;; returned 1.234. The load's result is unused, but the trap is an effect and must stay.
(module
  (memory 0 0)
  (func (export "run") (result f64)
    f64.const 1.234
    i32.const 7
    f64.load offset=4
    drop))
