;; WasmEdge#3018, store form: 0xfffffff8 + offset 0x10 = 0x1_0000_0008. A 32-bit wrap would
;; write 0x11223344 at address 8; the correct trap writes nothing.
(module
  (memory (export "memory") 1)
  (func (export "run") (param $base i32)
    (i32.store offset=0x10 (local.get $base) (i32.const 0x11223344))))
