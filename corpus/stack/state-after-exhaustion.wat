;; WAMR#575 (sticky exceptions) meets deno#11356: after stack exhaustion, globals and memory
;; written before the recursion keep their values and later calls work normally.
(module
  (memory (export "memory") 1)
  (global $marker (export "marker") (mut i32) (i32.const 0))
  (func $down (param $n i32)
    (call $down (i32.add (local.get $n) (i32.const 1))))
  (func (export "run")
    (global.set $marker (i32.const 99))
    (i32.store (i32.const 16) (i32.const 0xcafef00d))
    (call $down (i32.const 0))
    (global.set $marker (i32.const -1)))
  (func (export "bump") (result i32)
    (global.set $marker (i32.add (global.get $marker) (i32.const 1)))
    (global.get $marker)))
