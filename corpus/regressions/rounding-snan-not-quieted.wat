;; Finding on WAMR iwasm 2.0.0, 2.4.5 and 2.4.5-classic (f32 and f64) and wasm3 0.5.0 and head
;; (f64; its f32 values pass through a C double, which quiets them): floor / ceil / trunc /
;; nearest of a signalling NaN return it unchanged (f32 0x7fa00000, f64 0x7ff4000000000000),
;; where core spec 4.3.3 (fceil, ffloor, ftrunc, fnearest) requires an element of nans{z}: for a
;; non-canonical NaN input, an arithmetic NaN, whose quiet bit is set. Found by `trapcheck spec
;; f32.wast` on iwasm (f32.wast:2456-2518, 8 assertions); V8, wazero and wasmtime quiet it.
(module
  (func (export "floor") (result f32) (f32.floor (f32.reinterpret_i32 (i32.const 0x7fa00000))))
  (func (export "ceil") (result f32) (f32.ceil (f32.reinterpret_i32 (i32.const 0x7fa00000))))
  (func (export "trunc") (result f32) (f32.trunc (f32.reinterpret_i32 (i32.const 0x7fa00000))))
  (func (export "nearest") (result f32) (f32.nearest (f32.reinterpret_i32 (i32.const 0x7fa00000))))
  (func (export "floor64") (result f64) (f64.floor (f64.reinterpret_i64 (i64.const 0x7ff4000000000000)))))
