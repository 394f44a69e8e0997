;; WebKit PR#58251 / bun#17870: on loop OSR entry deep in the stack JSC reused a smaller frame
;; without a stack check and crashed near the limit. Each frame spins a hot loop before it
;; recurses, so tier-up happens close to the stack limit.
(module
  (global $acc (mut i32) (i32.const 0))
  (func $r (param $depth i32)
    (local $i i32)
    (loop $spin
      (global.set $acc (i32.add (global.get $acc) (i32.xor (local.get $i) (local.get $depth))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $spin (i32.lt_u (local.get $i) (i32.const 200))))
    (call $r (i32.add (local.get $depth) (i32.const 1))))
  (func (export "run")
    (call $r (i32.const 0)))
  (func (export "alive") (result i32)
    i32.const 1))
