;; bug-catalog #31 (wazero PR#1156): a cancellation that arrives just after the call returned
;; must be a no-op; the next call works and sees the state the first call left.
(module
  (memory (export "memory") 1)
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (func (export "f") (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store (i32.const 64) (global.get $calls))
    (global.get $calls)))
