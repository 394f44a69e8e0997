;; wasm3#547 / WAMR#4497 analogue: the slot holds a function of another type:
;; "indirect call type mismatch".
(module
  (type $v (func (result i32)))
  (type $p (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $a $b)
  (func $a (result i32) (i32.const 1))
  (func $b (param i32) (result i32) (local.get 0))
  (func (export "call") (param $i i32) (result i32)
    (call_indirect (type $v) (local.get $i))))
