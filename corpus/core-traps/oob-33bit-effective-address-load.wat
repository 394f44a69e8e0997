;; WasmEdge#3018: the AOT build ran to completion where the interpreter trapped on an
;; i32.load8_u at effective address 0x100000d54. The effective address (base + offset) is a
;; 33-bit value: 0xfffffff0 + 0x1000 must not wrap to 0xff0, where a wrapping engine reads 42.
(module
  (memory 1)
  (data (i32.const 0xff0) "\2a")
  (func (export "const") (result i32)
    (i32.load8_u offset=0x1000 (i32.const 0xfffffff0)))
  (func (export "param") (param $base i32) (result i32)
    (i32.load8_u offset=0x1000 (local.get $base)))
  (func (export "wrapped") (result i32)
    (i32.load8_u (i32.const 0xff0))))
