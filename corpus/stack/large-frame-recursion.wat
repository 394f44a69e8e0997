;; WasmEdge#4258 / families: recursion with large frames (many live v128 and i64 locals), so
;; each frame is big and the limit is reached after few frames.
(module
  (func $r (param $x i64) (result i64)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128)
    (local $e v128) (local $f v128) (local $g v128) (local $h v128)
    (local $i i64) (local $j i64) (local $k i64) (local $l i64)
    (local.set $a (i64x2.splat (local.get $x)))
    (local.set $b (i64x2.add (local.get $a) (local.get $a)))
    (local.set $c (i64x2.add (local.get $b) (local.get $a)))
    (local.set $d (i64x2.add (local.get $c) (local.get $b)))
    (local.set $e (i64x2.add (local.get $d) (local.get $c)))
    (local.set $f (i64x2.add (local.get $e) (local.get $d)))
    (local.set $g (i64x2.add (local.get $f) (local.get $e)))
    (local.set $h (i64x2.add (local.get $g) (local.get $f)))
    (local.set $i (i64.add (local.get $x) (i64.const 1)))
    (local.set $j (i64.mul (local.get $i) (i64.const 3)))
    (local.set $k (i64.xor (local.get $j) (local.get $i)))
    (local.set $l (call $r (local.get $k)))
    (i64.add
      (i64.add (local.get $l) (i64x2.extract_lane 0 (local.get $h)))
      (i64.add (i64x2.extract_lane 1 (local.get $a)) (local.get $i))))
  (func (export "run") (result i64)
    (call $r (i64.const 1))))
