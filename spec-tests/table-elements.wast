;; call_indirect's three failure modes are different traps: an index past the table's end is
;; "undefined element", a null slot inside the table is "uninitialized element", a function
;; of the wrong type is "indirect call type mismatch". (An engine that reports one message for
;; two of them is judged "imprecise", not "pass".)

(module
  (type $i (func (result i32)))
  (type $ii (func (param i32) (result i32)))
  (table $t 4 funcref)
  (elem (table $t) (i32.const 0) func $one $inc)
  (func $one (result i32) (i32.const 1))
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "call") (param i32) (result i32) (call_indirect $t (type $i) (local.get 0)))
  (func (export "grow") (result i32) (table.grow $t (ref.null func) (i32.const 2)))
  (func (export "drop-slot") (param i32) (table.set $t (local.get 0) (ref.null func)))
  (func (export "get") (param i32) (result funcref) (table.get $t (local.get 0)))
)

(assert_return (invoke "call" (i32.const 0)) (i32.const 1))
(assert_trap (invoke "call" (i32.const 1)) "indirect call type mismatch")
(assert_trap (invoke "call" (i32.const 2)) "uninitialized element")
(assert_trap (invoke "call" (i32.const 3)) "uninitialized element")
(assert_trap (invoke "call" (i32.const 4)) "undefined element")
(assert_trap (invoke "call" (i32.const -1)) "undefined element")
;; table.get past the end is a table access trap
(assert_trap (invoke "get" (i32.const 4)) "out of bounds table access")
(assert_return (invoke "get" (i32.const 3)) (ref.null func))
;; growing the table turns "undefined" indexes into "uninitialized" ones
(assert_return (invoke "grow") (i32.const 4))
(assert_trap (invoke "call" (i32.const 4)) "uninitialized element")
(assert_trap (invoke "call" (i32.const 6)) "undefined element")
;; clearing a slot makes it uninitialized
(assert_return (invoke "drop-slot" (i32.const 0)))
(assert_trap (invoke "call" (i32.const 0)) "uninitialized element")

;; An active element segment past the end of the table traps at instantiation.
(assert_trap
  (module (table 1 funcref) (func $f) (elem (i32.const 1) $f))
  "out of bounds table access")
