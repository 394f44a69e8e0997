;; wasm3#547 analogue: call_indirect with an index >= the table size: "undefined element".
(module
  (type $v (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $a $a)
  (func $a (result i32) (i32.const 1))
  (func (export "call") (param $i i32) (result i32)
    (call_indirect (type $v) (local.get $i))))
