;; wazero#1283 / WAMR PR#2529: returning from _start is exit 0 (it acts as proc_exit(0)).
(module
  (memory (export "memory") 1)
  (global $ran (export "ran") (mut i32) (i32.const 0))
  (func (export "_start")
    (global.set $ran (i32.const 1))))
