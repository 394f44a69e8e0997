;; Finding on SpiderMonkey 102 (gjs 1.74.2): a declarative element segment is not dropped at
;; instantiation, so table.init of one element from it succeeds. Core spec 2.0 §4.5.4
;; (instantiation): for each element segment whose mode is declarative, execute elem.drop; §4.4.6
;; table.init: s + n > len(elem.elem) (0 after the drop) traps ("out of bounds table access").
;; From the official suite's elem.wast:716.
(module
  (table 10 funcref)
  (elem $e declare func $f)
  (func $f)
  (func (export "init")
    (table.init $e (i32.const 0) (i32.const 0) (i32.const 1))))
