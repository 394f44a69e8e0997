;; Catalog #1 (families): a trapping load that feeds a `select` whose condition picks the
;; other operand. Both operands are evaluated before `select`, so the load must trap.
(module
  (memory 1)
  (func (export "run") (param $cond i32) (result i32)
    (select
      (i32.load (i32.const 65536))
      (i32.const 1)
      (local.get $cond))))
