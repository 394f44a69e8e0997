;; wasmi#1741: the reproducer reinterprets and saturates first; trunc_sat(-2^31 as f32) is
;; INT_MIN, and rem_s(INT_MIN, -1) is 0.
(module
  (func (export "run") (result i32)
    (i32.rem_s
      (i32.trunc_sat_f32_s (f32.reinterpret_i32 (i32.const 0xcf000000)))
      (i32.const -1)))
  (func (export "sat") (result i32)
    (i32.trunc_sat_f32_s (f32.reinterpret_i32 (i32.const 0xcf000000)))))
