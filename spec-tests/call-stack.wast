;; Unbounded recursion exhausts the call stack: a trap ("call stack exhausted"), not a crash of
;; the host, and the instance stays usable afterwards.

(module
  (table 1 funcref)
  (elem (i32.const 0) $via_table)
  (type $t (func (param i32) (result i32)))
  (global $depth (mut i32) (i32.const 0))

  (func $self (export "self") (call $self))
  (func $count (export "count") (param i32) (result i32)
    (global.set $depth (local.get 0))
    (call $count (i32.add (local.get 0) (i32.const 1))))
  (func $even (export "even") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1)) (else (call $odd (i32.sub (local.get 0) (i32.const 1))))))
  (func $odd (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0)) (else (call $even (i32.sub (local.get 0) (i32.const 1))))))
  (func $via_table (param i32) (result i32)
    (call_indirect (type $t) (local.get 0) (i32.const 0)))
  (func (export "indirect") (result i32) (call $via_table (i32.const 0)))
  ;; deep but bounded recursion must not trap
  (func $sum (export "sum") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (local.get 0) (call $sum (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "depth-reached") (result i32) (global.get $depth))
)

(assert_exhaustion (invoke "self") "call stack exhausted")
(assert_exhaustion (invoke "count" (i32.const 0)) "call stack exhausted")
(assert_exhaustion (invoke "even" (i32.const -1)) "call stack exhausted")
(assert_exhaustion (invoke "indirect") "call stack exhausted")
(assert_return (invoke "even" (i32.const 1000)) (i32.const 1))
(assert_return (invoke "sum" (i32.const 1000)) (i32.const 500500))
