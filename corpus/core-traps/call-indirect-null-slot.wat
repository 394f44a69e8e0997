;; wasm3#547 analogue: slot 1 of the table was never initialised: "uninitialized element".
;; (V8 11 reports one message for this and a signature mismatch: an imprecise verdict there.)
(module
  (type $v (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $a)
  (func $a (result i32) (i32.const 1))
  (func (export "call") (param $i i32) (result i32)
    (call_indirect (type $v) (local.get $i))))
