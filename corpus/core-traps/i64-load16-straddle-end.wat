;; wasmer#6524: handling this ordinary trap corrupted wasmer's own stack (ASAN). The load reads
;; bytes 65536..65537 of a one-page memory: a clean "out of bounds memory access".
(module
  (memory 1)
  (func (export "run") (result i64)
    i32.const 1
    i64.load16_s offset=65535 align=1))
