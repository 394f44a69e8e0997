;; bug-catalog #30 (wasmtime#10088 / wit-bindgen#1142): a call_async future dropped at a fuel
;; yield before post_return_async ran leaves the instance needing post-return, so every later call
;; fails "cannot enter component instance". trapcheck's oracle: the cancellation poisons (X2).
;; busy(n) counts its calls at 0 and loops n times; f(x) returns x + 1.
(module
  (memory (export "memory") 1 1)
  (func (export "busy") (param $n i32) (result i32) (local $i i32)
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (block $done
      (loop $spin
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $spin)))
    (local.get $n))
  (func (export "cabi_post_busy") (param $r i32)
    (i32.store (i32.const 4) (i32.add (i32.load (i32.const 4)) (i32.const 1))))
  (func (export "f") (param $x i32) (result i32) (i32.add (local.get $x) (i32.const 1))))
