;; wasm-micro-runtime#4481: LLVM-JIT reported "unreachable" for a v128 function where an
;; out-of-bounds memory access runs first. The first trapping instruction decides the kind.
(module
  (memory 1)
  (func $f (result v128)
    (v128.load (i32.const 65530))  ;; 16 bytes from 65530 straddle the end of memory
    (i32x4.splat (i32.const 1))
    i32x4.add
    unreachable)
  (func (export "run")
    (drop (call $f))))
