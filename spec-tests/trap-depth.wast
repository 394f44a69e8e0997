;; Traps at every depth of structured control flow and calls: the trap must surface from
;; wherever it happens, with its own kind, and leave the instance usable.

(module
  (memory 1)
  (table 4 funcref)
  (elem (i32.const 0) $leaf_unreachable $leaf_div)
  (type $v (func))
  (type $ii (func (param i32) (result i32)))

  (func $leaf_unreachable unreachable)
  (func $leaf_div (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))

  (func (export "top") unreachable)
  (func (export "block1") (block unreachable))
  (func (export "block3") (block (block (block unreachable))))
  (func (export "loop1") (loop unreachable))
  (func (export "loop-iter") (param $n i32)
    ;; traps on the 4th iteration, not the first
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (if (i32.eqz (local.get $n)) (then unreachable))
      (br $l)))
  (func (export "if-then") (param i32) (if (local.get 0) (then unreachable)))
  (func (export "if-else") (param i32) (if (local.get 0) (then) (else unreachable)))
  (func (export "br_table-arm") (param i32) (result i32)
    (block $b2 (block $b1 (block $b0
      (br_table $b0 $b1 $b2 (local.get 0)))
      (return (i32.const 10)))
      unreachable)
    (i32.const 12))
  (func (export "br_table-index") (param i32) (result i32)
    ;; the trap is in computing the br_table index itself
    (block $b0 (block $b1
      (br_table $b0 $b1 (i32.div_s (i32.const 1) (local.get 0))))
      (return (i32.const 1)))
    (i32.const 0))
  (func $d1 (param i32) (result i32) (i32.div_s (i32.const 7) (local.get 0)))
  (func $d2 (param i32) (result i32) (block (result i32) (call $d1 (local.get 0))))
  (func $d3 (param i32) (result i32) (loop (result i32) (call $d2 (local.get 0))))
  (func (export "call-depth-3") (param i32) (result i32) (call $d3 (local.get 0)))
  (func (export "call_indirect-leaf") (call_indirect (type $v) (i32.const 0)))
  (func (export "call_indirect-div") (param i32) (result i32)
    (call_indirect (type $ii) (local.get 0) (i32.const 1)))
  (func (export "in-args") (result i32)
    ;; the trap happens while evaluating the second operand
    (i32.add (i32.const 1) (i32.load (i32.const 65536))))
  (func (export "ok") (result i32) (i32.const 42))
)

(assert_trap (invoke "top") "unreachable")
(assert_trap (invoke "block1") "unreachable")
(assert_trap (invoke "block3") "unreachable")
(assert_trap (invoke "loop1") "unreachable")
(assert_trap (invoke "loop-iter" (i32.const 4)) "unreachable")
(assert_trap (invoke "if-then" (i32.const 1)) "unreachable")
(assert_return (invoke "if-then" (i32.const 0)))
(assert_trap (invoke "if-else" (i32.const 0)) "unreachable")
(assert_return (invoke "if-else" (i32.const 1)))
(assert_return (invoke "br_table-arm" (i32.const 0)) (i32.const 10))
(assert_trap (invoke "br_table-arm" (i32.const 1)) "unreachable")
(assert_return (invoke "br_table-arm" (i32.const 2)) (i32.const 12))
(assert_return (invoke "br_table-arm" (i32.const 99)) (i32.const 12))  ;; default arm
(assert_trap (invoke "br_table-index" (i32.const 0)) "integer divide by zero")
(assert_return (invoke "br_table-index" (i32.const 1)) (i32.const 1))
(assert_trap (invoke "call-depth-3" (i32.const 0)) "integer divide by zero")
(assert_return (invoke "call-depth-3" (i32.const 7)) (i32.const 1))
(assert_trap (invoke "call_indirect-leaf") "unreachable")
(assert_trap (invoke "call_indirect-div" (i32.const 0)) "integer divide by zero")
(assert_return (invoke "call_indirect-div" (i32.const 1)) (i32.const 1))
(assert_trap (invoke "in-args") "out of bounds memory access")
;; the instance is still usable after every trap above
(assert_return (invoke "ok") (i32.const 42))

;; A trap in the start function: instantiation traps.
(assert_trap
  (module (func $s (drop (i32.div_s (i32.const 1) (i32.const 0)))) (start $s))
  "integer divide by zero")
;; A trap in an active data segment at instantiation.
(assert_trap
  (module (memory 1) (data (i32.const 65535) "ab"))
  "out of bounds memory access")
