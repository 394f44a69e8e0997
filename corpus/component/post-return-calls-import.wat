;; bug-catalog #39 (wasmtime#11676 → PR#11688): a post-return that calls an import must trap
;; "cannot leave component instance" (may_leave is clear during post-return, CM PR#531).
(module
  (import "$root" "log" (func $log))
  (memory (export "memory") 1 1)
  (func (export "f") (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.const 1)))
  (func (export "cabi_post_f") (param $r i32)
    (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (i32.const 1)))
    (call $log)))
