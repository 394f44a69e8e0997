;; wasmer#6793: an exception-handling `throw` at the stack limit overflowed the native stack.
;; Each frame throws and catches a tag before recursing; exhaustion must still be a trap.
(module
  (tag $e (param i32))
  (func $r (param $n i32) (result i32)
    (local $caught i32)
    (try
      (do (throw $e (local.get $n)))
      (catch $e (local.set $caught)))
    (i32.add (call $r (i32.add (local.get $n) (i32.const 1))) (local.get $caught)))
  (func (export "run") (result i32)
    (call $r (i32.const 0)))
  (func (export "alive") (result i32)
    (local $v i32)
    (try (do (throw $e (i32.const 5))) (catch $e (local.set $v)))
    (local.get $v)))
