;; bug-catalog #36 (wasmtime#13802): fuel spent by code that then traps must be charged.
;; burn_then_trap(n) counts down n loop iterations, then divides by zero.
(module
  (memory (export "memory") 1)
  (func (export "burn_then_trap") (param $n i32) (result i32)
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
    (i32.div_s (i32.const 1) (i32.const 0))))
