;; wasmer#4596, store form: an i64.store at 65532 has 4 bytes in bounds and 4 out. The
;; trapping store writes nothing, so the in-bounds half keeps its old bytes aa bb cc dd.
(module
  (memory (export "memory") 1)
  (data (i32.const 65532) "\aa\bb\cc\dd")
  (func (export "run")
    (i64.store (i32.const 65532) (i64.const 0x1122334455667788))))
