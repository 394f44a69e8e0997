;; Finding on SpiderMonkey 102 (gjs 1.74.2, x86-64): f32x4.max and f64x2.max of +0 and -0 give
;; -0 in either operand order (bits 0x80000000 / 0x8000000000000000), while scalar f64.max gives
;; +0. Core spec 2.0 §4.3.3 fmax: "if both z1 and z2 are zeroes of opposite signs, return positive
;; zero"; the SIMD max applies fmax lane-wise. The operands come from parameters so no constant
;; folding is involved. From the official suite's simd_f32x4.wast:1183 and simd_f64x2.wast:1241
;; (9 assertions).
(module
  (memory 1)
  (func (export "f64x2.max") (param f64 f64) (result i64)
    (v128.store (i32.const 0) (f64x2.max (f64x2.splat (local.get 0)) (f64x2.splat (local.get 1))))
    (i64.load (i32.const 0)))
  (func (export "f32x4.max") (param f32 f32) (result i32)
    (v128.store (i32.const 0) (f32x4.max (f32x4.splat (local.get 0)) (f32x4.splat (local.get 1))))
    (i32.load (i32.const 0))))
