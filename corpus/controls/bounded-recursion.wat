;; Catalog #9/#10 control: recursion to a modest depth (1000 frames) must not exhaust the stack;
;; the depth at which exhaustion fires is implementation-defined, but it is far above this.
(module
  (func $sum (export "sum") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (local.get $n) (call $sum (i32.sub (local.get $n) (i32.const 1))))))))
