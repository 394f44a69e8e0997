;; wasm3#547 analogue: the table index is unsigned; -1 is 0xffffffff, far past the table,
;; and must not be read as a negative offset into host memory.
(module
  (type $v (func (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $a $a $a $a)
  (func $a (result i32) (i32.const 1))
  (func (export "call") (param $i i32) (result i32)
    (call_indirect (type $v) (local.get $i))))
