;; wasm3#547 analogue with a table index other than 0 (reference types): the second table is
;; larger than the first; its null slot and its end are checked against that table.
(module
  (type $v (func (result i32)))
  (table $t0 1 funcref)
  (table $t1 3 funcref)
  (elem (table $t0) (i32.const 0) func $a)
  (elem (table $t1) (i32.const 0) func $b)
  (func $a (result i32) (i32.const 1))
  (func $b (result i32) (i32.const 2))
  (func (export "call1") (param $i i32) (result i32)
    (call_indirect $t1 (type $v) (local.get $i))))
