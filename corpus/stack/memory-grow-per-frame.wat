;; wasmtime#900 / PR#8149, libcall variant: every frame leaves compiled code through the
;; `memory.grow 0` libcall before recursing.
(module
  (memory 1)
  (func $r (param $n i32) (result i32)
    (drop (memory.grow (i32.const 0)))
    (i32.add (call $r (i32.add (local.get $n) (i32.const 1))) (memory.size)))
  (func (export "run") (result i32)
    (call $r (i32.const 0)))
  (func (export "size") (result i32)
    (memory.size)))
