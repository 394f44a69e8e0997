;; wasmer#4596, bulk-memory form: memory.fill and memory.copy check the whole range before
;; writing, so an out-of-bounds range writes no byte, not even the in-bounds prefix.
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a")
  (func (export "fill")
    (memory.fill (i32.const 65530) (i32.const 0xaa) (i32.const 10)))
  (func (export "copy")
    (memory.copy (i32.const 65530) (i32.const 0) (i32.const 10)))
  ;; zero length is in bounds at exactly the end (controls/) but not one byte past it
  (func (export "fill_empty_past_end")
    (memory.fill (i32.const 65537) (i32.const 0xaa) (i32.const 0))))
