;; Catalog #1 families ("zero-page memories"): zero-length bulk operations at exactly the end of
;; memory are in bounds and do nothing (one byte further is out of bounds: core-traps).
(module
  (memory 1)
  (data $d "xyz")
  (func (export "fill") (memory.fill (i32.const 65536) (i32.const 1) (i32.const 0)))
  (func (export "copy") (memory.copy (i32.const 65536) (i32.const 65536) (i32.const 0)))
  (func (export "init") (memory.init $d (i32.const 65536) (i32.const 3) (i32.const 0))))
