;; Finding on SpiderMonkey 102 (gjs 1.74.2): memory.init / table.init of zero elements from a
;; dropped segment to a destination past the end return instead of trapping (the same calls on a
;; live segment trap). Core spec 2.0 §4.4.7 memory.init: "if s + n > len(data) or d + n >
;; len(mem.data), trap" — a dropped segment is empty, the destination check still applies (d =
;; 65537 > 65536); §4.4.6 table.init likewise (d = 31 > 30). From the official suite's
;; memory_init.wast:256, table_init.wast:651 and table_init64.wast:836.
(module
  (memory 1)
  (data "\37")
  (table 30 funcref)
  (elem func $f)
  (func $f)
  (func (export "memory.init")
    (data.drop 0)
    (memory.init 0 (i32.const 0x10001) (i32.const 0) (i32.const 0)))
  (func (export "table.init")
    (elem.drop 0)
    (table.init 0 (i32.const 31) (i32.const 0) (i32.const 0))))
