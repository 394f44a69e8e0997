;; Finding on SpiderMonkey 102 (gjs 1.74.2): export names that differ only after a U+0000 are
;; refused as "duplicate export" (names are compared as NUL-terminated C strings: "\00a" and
;; "\00b" both read as ""). Core spec 2.0 §2.2.5: a name is any sequence of Unicode scalar
;; values, U+0000 included; §3.4.10: export names must be different as such sequences, which
;; "\00a" and "\00b" are. So the module is valid and each export returns its own value.
;; Reduced from the official suite's names.wast module at line 19 (exports "" and "\00\01…\0f").
(module
  (func (export "\00a") (result i32) (i32.const 1))
  (func (export "\00b") (result i32) (i32.const 2)))
