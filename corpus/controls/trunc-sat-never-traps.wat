;; Catalog #4/#5 (wasmi's reproducer uses trunc_sat): the saturating conversions never trap:
;; NaN gives 0 and out-of-range values clamp.
(module
  (func (export "nan") (result i32) (i32.trunc_sat_f64_s (f64.const nan)))
  (func (export "big") (result i32) (i32.trunc_sat_f64_s (f64.const 1e10)))
  (func (export "neg_inf") (result i32) (i32.trunc_sat_f64_s (f64.const -inf)))
  (func (export "u_neg") (result i64) (i64.trunc_sat_f64_u (f64.const -1.0))))
