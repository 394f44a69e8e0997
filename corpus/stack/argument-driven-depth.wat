;; nodejs/node#40931: deep recursion driven by the input (a recursive-descent parser) raised
;; RangeError on Linux but a bus error on macOS. Small depth returns, huge depth traps, and the
;; instance keeps working afterwards.
(module
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $depth (i32.sub (local.get $n) (i32.const 1))) (i32.const 1))))))
