;; Catalog #14 (exit from the start function), trap form: a trap in the start function fails
;; the instantiation with that trap.
(module
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $start
    (global.set $g (i32.const 1))
    unreachable)
  (start $start))
