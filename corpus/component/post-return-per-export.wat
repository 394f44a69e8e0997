;; bug-catalog #44 (jsco PR#91): post-return ran only in debug builds, without arguments, and
;; sibling exports clobbered each other's post-return slot. Two exports, each with its own
;; post-return: cabi_post_a counts at 0 and stores its argument at 4, cabi_post_b at 8 / 12.
(module
  (memory (export "memory") 1 1)
  (func (export "a") (param $x i32) (result i32) (i32.add (local.get $x) (i32.const 1000)))
  (func (export "b") (param $x i32) (result i32) (i32.add (local.get $x) (i32.const 2000)))
  (func (export "cabi_post_a") (param $r i32)
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (i32.store (i32.const 4) (local.get $r)))
  (func (export "cabi_post_b") (param $r i32)
    (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (i32.const 1)))
    (i32.store (i32.const 12) (local.get $r))))
