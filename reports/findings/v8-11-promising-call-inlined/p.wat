(module
  (import "m" "susp" (func $susp (param externref) (result i32)))
  (func (export "run") (param $s externref) (result i32)
    (i32.add (call $susp (local.get $s)) (i32.const 1))))
