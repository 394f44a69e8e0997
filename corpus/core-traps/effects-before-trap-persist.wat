;; wasmer#4596: after a trap, effects before the trapping instruction persist (the first store
;; and the global.set happen); the trapping store and everything after it do not.
(module
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "run")
    (i32.store (i32.const 0) (i32.const 0x04030201))
    (global.set $g (i32.const 42))
    (i32.store (i32.const 65536) (i32.const 7))
    (global.set $g (i32.const 43))
    (i32.store (i32.const 4) (i32.const -1))))
