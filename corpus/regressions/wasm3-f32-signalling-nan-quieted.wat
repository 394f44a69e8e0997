;; Finding on wasm3 0.5.0 and HEAD c9b579d (v0.9.0): an f32 signalling NaN that passes through
;; wasm3's floating-point register comes out quiet. The register is a C double (`f64 _fp0`,
;; source/m3_exec_defs.h), so every f32 placed in it is widened and narrowed again, which sets
;; the quiet bit: 0x7fa00001 becomes 0x7fe00001 after f32.reinterpret_i32, after an f32.load →
;; f32.store copy, and f32.neg yields 0xffe00001. Core spec 4.3.3 / 4.4.7: reinterpret, fneg,
;; loads and stores are bitwise (NaN propagation applies only to arithmetic), so every bit
;; survives; f64 values and f32 constants are not affected (measured).
(module
  (memory (export "memory") 1)
  (func (export "copy")
    (i32.store (i32.const 0) (i32.const 0x7fa00001))
    (f32.store (i32.const 4) (f32.load (i32.const 0))))
  (func (export "reinterpret") (result i32)
    (i32.reinterpret_f32 (f32.reinterpret_i32 (i32.const 0x7fa00001))))
  (func (export "neg") (result i32)
    (i32.reinterpret_f32 (f32.neg (f32.reinterpret_i32 (i32.const 0x7fa00001))))))
