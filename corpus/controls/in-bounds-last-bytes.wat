;; WasmEdge#3018 / wasmer#6524 boundary controls: accesses that end exactly at the last byte of
;; memory, including through a large static offset, are in bounds.
(module
  (memory 1)
  (data (i32.const 65532) "\01\02\03\04")
  (func (export "load8_last") (result i32) (i32.load8_u (i32.const 65535)))
  (func (export "load32_last") (result i32) (i32.load (i32.const 65532)))
  (func (export "offset_last") (result i32) (i32.load8_u offset=65535 (i32.const 0)))
  (func (export "i64_load16_last") (result i64) (i64.load16_s offset=65533 align=1 (i32.const 1))))
