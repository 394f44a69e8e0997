;; deno#11356 variation: the recursion goes through call_indirect (a table trampoline) instead
;; of a direct call.
(module
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $r)
  (func $r (type $t) (param $n i32) (result i32)
    (i32.add (call_indirect (type $t) (i32.add (local.get $n) (i32.const 1)) (i32.const 0)) (i32.const 1)))
  (func (export "run") (result i32)
    (call $r (i32.const 0))))
