;; wasm-micro-runtime#2555 / #4481: AOT/JIT reported "unreachable" where the interpreter and
;; other runtimes report out of bounds. `steps` shows how far the function got.
(module
  (memory 1)
  (global $steps (export "steps") (mut i32) (i32.const 0))
  (func (export "run") (result i32)
    (global.set $steps (i32.const 1))
    (drop (i32.load (i32.const 65536)))
    (global.set $steps (i32.const 2))
    unreachable))
