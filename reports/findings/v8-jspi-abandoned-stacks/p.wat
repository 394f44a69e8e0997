(module (import "h" "y" (func $y (result i32))) (global $g (export "g") (mut i32) (i32.const 0))
 (func (export "run") (result i32) (global.set $g (i32.const 1)) (drop (call $y)) (global.set $g (i32.const 2)) (global.get $g)))
