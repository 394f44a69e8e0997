;; WAMR iwasm 2.0.0 (fast interpreter): a declarative element segment is not dropped at
;; instantiation, so `table.init` of one element from it returns instead of trapping. Core spec
;; 2.0 §4.5.4 (instantiation) drops every declarative segment; §4.4.6 table.init then traps
;; "out of bounds table access" (s + n > 0). Fixed in WAMR 2.3.0 by PR #3922 (iwasm 2.4.5 here traps).
(module
  (table 10 funcref)
  (elem $e declare func $f)
  (func $f)
  (func (export "init")
    (table.init $e (i32.const 0) (i32.const 0) (i32.const 1))))
