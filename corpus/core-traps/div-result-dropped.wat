;; Catalog #1 (families), arithmetic form: a division whose result is dropped must still
;; trap on a zero divisor; dead-code elimination may not remove it.
(module
  (func (export "run") (param $d i32)
    (drop (i32.div_u (i32.const 1) (local.get $d))))
  (func (export "run64") (param $d i64)
    (drop (i64.rem_s (i64.const 1) (local.get $d)))))
