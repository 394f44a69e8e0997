;; WAMR#575 / #2481: after any exception every later call on the instance failed until the
;; module was reloaded ("sticky" exception). Core wasm: the instance stays callable, with its
;; state as of the trap.
(module
  (global $count (export "count") (mut i32) (i32.const 0))
  (func (export "bump") (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (global.get $count))
  (func (export "boom")
    (global.set $count (i32.add (global.get $count) (i32.const 10)))
    unreachable))
