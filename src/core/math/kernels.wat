;; The numeric loops of the layer metrics (src/core/math/kernels.ts; docs/networks.md, "Speed"), as
;; WebAssembly with 128-bit SIMD: float64 arithmetic on vectors and matrices that the caller has
;; copied into this module's memory. Every address is a byte offset into that memory; vectors are
;; contiguous float64 (8 bytes an entry) unless a name says f32; matrices are row-major. Lengths
;; may be any non-negative count: the loops take two entries (a v128) at a time and finish the odd
;; one alone. Sums keep two float64x2 accumulators (four partial sums), added at the end.
;;
;; Assembled by scripts/kernels.mjs (wabt) into src/core/math/kernelsBinary.ts.
(module
  (memory (export "memory") 1)

  ;; Σ a_i b_i over n float64 entries.
  (func $dot (export "dot") (param $a i32) (param $b i32) (param $n i32) (result f64)
    (local $end i32) (local $s0 v128) (local $s1 v128) (local $s f64)
    ;; $end: the first address of a past the last whole block of four.
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3))))
    (block $blocks (loop $four
      (br_if $blocks (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
      (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 32)))
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (br $four)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 3))))
    (block $tail (loop $one
      (br_if $tail (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (local.set $b (i32.add (local.get $b) (i32.const 8)))
      (br $one)))
    (local.get $s))

  ;; y ← y + α x over n float64 entries.
  (func $axpy (export "axpy") (param $alpha f64) (param $x i32) (param $y i32) (param $n i32)
    (local $end i32) (local $a v128)
    (local.set $a (f64x2.splat (local.get $alpha)))
    (local.set $end (i32.add (local.get $y) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $pairs (loop $two
      (br_if $pairs (i32.ge_u (local.get $y) (local.get $end)))
      (v128.store (local.get $y) (f64x2.add (v128.load (local.get $y)) (f64x2.mul (local.get $a) (v128.load (local.get $x)))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (br $two)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (f64.store (local.get $y) (f64.add (f64.load (local.get $y)) (f64.mul (local.get $alpha) (f64.load (local.get $x))))))))

  ;; x ← x / d over n float64 entries (a division, not a product with 1/d: as the JavaScript it replaced).
  (func $divide (export "divide") (param $x i32) (param $n i32) (param $d f64)
    (local $end i32) (local $v v128)
    (local.set $v (f64x2.splat (local.get $d)))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $pairs (loop $two
      (br_if $pairs (i32.ge_u (local.get $x) (local.get $end)))
      (v128.store (local.get $x) (f64x2.div (v128.load (local.get $x)) (local.get $v)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br $two)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (f64.store (local.get $x) (f64.div (f64.load (local.get $x)) (local.get $d))))))

  ;; out ← A x for A (r × c) at $a, x (c) at $x, out (r) at $out; out must not overlap A or x. Four rows
  ;; at a time ($dot4): each x entry loaded once for four rows, and eight independent sums instead of
  ;; two (a lone dot product waits on its two accumulators); each row summed exactly as $dot sums it.
  (func $matvec (export "matvec") (param $a i32) (param $r i32) (param $c i32) (param $x i32) (param $out i32)
    (local $end i32) (local $row i32) (local $blocks i32)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))))
    (local.set $blocks (i32.add (local.get $out) (i32.shl (i32.and (local.get $r) (i32.const -4)) (i32.const 3))))
    (local.set $row (i32.shl (local.get $c) (i32.const 3)))
    (block $fours (loop $four
      (br_if $fours (i32.ge_u (local.get $out) (local.get $blocks)))
      (call $dot4 (local.get $a) (local.get $row) (local.get $x) (local.get $c) (local.get $out))
      (local.set $a (i32.add (local.get $a) (i32.shl (local.get $row) (i32.const 2))))
      (local.set $out (i32.add (local.get $out) (i32.const 32)))
      (br $four)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (f64.store (local.get $out) (call $dot (local.get $a) (local.get $x) (local.get $c)))
      (local.set $a (i32.add (local.get $a) (local.get $row)))
      (local.set $out (i32.add (local.get $out) (i32.const 8)))
      (br $rows))))

  ;; The dot products of x (n float64 entries at $x) with the four rows at $a, $a + $row, $a + 2·$row and
  ;; $a + 3·$row ($row in bytes), to out (four float64): each summed in $dot's order, bit for bit.
  (func $dot4 (param $a i32) (param $row i32) (param $x i32) (param $n i32) (param $out i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $i i32) (local $end i32)
    (local $xv0 v128) (local $xv1 v128)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128)
    (local $t0 f64) (local $t1 f64) (local $t2 f64) (local $t3 f64) (local $xe f64)
    (local.set $a1 (i32.add (local.get $a) (local.get $row)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $row)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $row)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $blocks (loop $four
      (br_if $blocks (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $xv0 (v128.load (i32.add (local.get $x) (local.get $i))))
      (local.set $xv1 (v128.load offset=16 (i32.add (local.get $x) (local.get $i))))
      (local.set $p0 (f64x2.add (local.get $p0) (f64x2.mul (v128.load (i32.add (local.get $a) (local.get $i))) (local.get $xv0))))
      (local.set $q0 (f64x2.add (local.get $q0) (f64x2.mul (v128.load offset=16 (i32.add (local.get $a) (local.get $i))) (local.get $xv1))))
      (local.set $p1 (f64x2.add (local.get $p1) (f64x2.mul (v128.load (i32.add (local.get $a1) (local.get $i))) (local.get $xv0))))
      (local.set $q1 (f64x2.add (local.get $q1) (f64x2.mul (v128.load offset=16 (i32.add (local.get $a1) (local.get $i))) (local.get $xv1))))
      (local.set $p2 (f64x2.add (local.get $p2) (f64x2.mul (v128.load (i32.add (local.get $a2) (local.get $i))) (local.get $xv0))))
      (local.set $q2 (f64x2.add (local.get $q2) (f64x2.mul (v128.load offset=16 (i32.add (local.get $a2) (local.get $i))) (local.get $xv1))))
      (local.set $p3 (f64x2.add (local.get $p3) (f64x2.mul (v128.load (i32.add (local.get $a3) (local.get $i))) (local.get $xv0))))
      (local.set $q3 (f64x2.add (local.get $q3) (f64x2.mul (v128.load offset=16 (i32.add (local.get $a3) (local.get $i))) (local.get $xv1))))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (br $four)))
    (local.set $p0 (f64x2.add (local.get $p0) (local.get $q0)))
    (local.set $t0 (f64.add (f64x2.extract_lane 0 (local.get $p0)) (f64x2.extract_lane 1 (local.get $p0))))
    (local.set $p1 (f64x2.add (local.get $p1) (local.get $q1)))
    (local.set $t1 (f64.add (f64x2.extract_lane 0 (local.get $p1)) (f64x2.extract_lane 1 (local.get $p1))))
    (local.set $p2 (f64x2.add (local.get $p2) (local.get $q2)))
    (local.set $t2 (f64.add (f64x2.extract_lane 0 (local.get $p2)) (f64x2.extract_lane 1 (local.get $p2))))
    (local.set $p3 (f64x2.add (local.get $p3) (local.get $q3)))
    (local.set $t3 (f64.add (f64x2.extract_lane 0 (local.get $p3)) (f64x2.extract_lane 1 (local.get $p3))))
    (local.set $end (i32.add (local.get $i) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 3))))
    (block $tail (loop $one
      (br_if $tail (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $xe (f64.load (i32.add (local.get $x) (local.get $i))))
      (local.set $t0 (f64.add (local.get $t0) (f64.mul (f64.load (i32.add (local.get $a) (local.get $i))) (local.get $xe))))
      (local.set $t1 (f64.add (local.get $t1) (f64.mul (f64.load (i32.add (local.get $a1) (local.get $i))) (local.get $xe))))
      (local.set $t2 (f64.add (local.get $t2) (f64.mul (f64.load (i32.add (local.get $a2) (local.get $i))) (local.get $xe))))
      (local.set $t3 (f64.add (local.get $t3) (f64.mul (f64.load (i32.add (local.get $a3) (local.get $i))) (local.get $xe))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br $one)))
    (f64.store (local.get $out) (local.get $t0))
    (f64.store offset=8 (local.get $out) (local.get $t1))
    (f64.store offset=16 (local.get $out) (local.get $t2))
    (f64.store offset=24 (local.get $out) (local.get $t3)))

;; out ← A x for A (r × c) float32 at $a (row-major, 4·c bytes a row), x (c float64) at $x, out (r float64)
  ;; at $out, not overlapping A or x: each entry of A taken to float64 exactly, so that every row's sum is
  ;; bit for bit that of "matvec" on A's float64 copy, in half the memory (a Gram from ONNX Runtime).
  (func $matvecF32 (export "matvecF32") (param $a i32) (param $r i32) (param $c i32) (param $x i32) (param $out i32)
    (local $end i32) (local $row i32) (local $blocks i32)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))))
    (local.set $blocks (i32.add (local.get $out) (i32.shl (i32.and (local.get $r) (i32.const -4)) (i32.const 3))))
    (local.set $row (i32.shl (local.get $c) (i32.const 2)))
    (block $fours (loop $four
      (br_if $fours (i32.ge_u (local.get $out) (local.get $blocks)))
      (call $dot4F32 (local.get $a) (local.get $row) (local.get $x) (local.get $c) (local.get $out))
      (local.set $a (i32.add (local.get $a) (i32.shl (local.get $row) (i32.const 2))))
      (local.set $out (i32.add (local.get $out) (i32.const 32)))
      (br $four)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (f64.store (local.get $out) (call $dotF32 (local.get $a) (local.get $x) (local.get $c)))
      (local.set $a (i32.add (local.get $a) (local.get $row)))
      (local.set $out (i32.add (local.get $out) (i32.const 8)))
      (br $rows))))

;; Σ a_i b_i over n float32 entries at $a and $b, each taken to float64 exactly and the products summed
  ;; in $dot's order: bit for bit "dot" of their float64 copies, in half the memory.
  (func (export "dotF32") (param $a i32) (param $b i32) (param $n i32) (result f64)
    (local $end i32) (local $va v128) (local $vb v128) (local $s0 v128) (local $s1 v128) (local $s f64)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $blocks (loop $four
      (br_if $blocks (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $va (v128.load (local.get $a)))
      (local.set $vb (v128.load (local.get $b)))
      (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $va)) (f64x2.promote_low_f32x4 (local.get $vb)))))
      (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $va) (local.get $va)))
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vb) (local.get $vb))))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (br $four)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $tail (loop $one
      (br_if $tail (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $s (f64.add (local.get $s) (f64.mul (f64.promote_f32 (f32.load (local.get $a))) (f64.promote_f32 (f32.load (local.get $b))))))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (br $one)))
    (local.get $s))

  ;; Σ a_i x_i over n entries, a float32 (each taken to float64 exactly) and x float64, summed in $dot's order.
  (func $dotF32 (param $a i32) (param $x i32) (param $n i32) (result f64)
    (local $end i32) (local $v v128) (local $s0 v128) (local $s1 v128) (local $s f64)
    ;; $end: the first address of a past the last whole block of four.
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $blocks (loop $four
      (br_if $blocks (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $v (v128.load (local.get $a)))
      (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (v128.load (local.get $x)))))
      (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (v128.load offset=16 (local.get $x)))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (br $four)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $tail (loop $one
      (br_if $tail (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $s (f64.add (local.get $s) (f64.mul (f64.promote_f32 (f32.load (local.get $a))) (f64.load (local.get $x)))))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $x (i32.add (local.get $x) (i32.const 8)))
      (br $one)))
    (local.get $s))

  ;; $dot4 for float32 rows (at $a, $a + $row, $a + 2·$row, $a + 3·$row; $row in bytes) and x float64:
  ;; the four dot products to out (four float64), each summed in $dot's order.
  (func $dot4F32 (param $a i32) (param $row i32) (param $x i32) (param $n i32) (param $out i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $i i32) (local $j i32) (local $end i32)
    (local $xv0 v128) (local $xv1 v128) (local $v v128)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128)
    (local $t0 f64) (local $t1 f64) (local $t2 f64) (local $t3 f64) (local $xe f64)
    (local.set $a1 (i32.add (local.get $a) (local.get $row)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $row)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $row)))
    ;; $i walks x (8 bytes an entry), $j the rows (4 bytes an entry).
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 3)))
    (block $blocks (loop $four
      (br_if $blocks (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $xv0 (v128.load (i32.add (local.get $x) (local.get $i))))
      (local.set $xv1 (v128.load offset=16 (i32.add (local.get $x) (local.get $i))))
      (local.set $v (v128.load (i32.add (local.get $a) (local.get $j))))
      (local.set $p0 (f64x2.add (local.get $p0) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $xv0))))
      (local.set $q0 (f64x2.add (local.get $q0) (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $xv1))))
      (local.set $v (v128.load (i32.add (local.get $a1) (local.get $j))))
      (local.set $p1 (f64x2.add (local.get $p1) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $xv0))))
      (local.set $q1 (f64x2.add (local.get $q1) (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $xv1))))
      (local.set $v (v128.load (i32.add (local.get $a2) (local.get $j))))
      (local.set $p2 (f64x2.add (local.get $p2) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $xv0))))
      (local.set $q2 (f64x2.add (local.get $q2) (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $xv1))))
      (local.set $v (v128.load (i32.add (local.get $a3) (local.get $j))))
      (local.set $p3 (f64x2.add (local.get $p3) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $xv0))))
      (local.set $q3 (f64x2.add (local.get $q3) (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $xv1))))
      (local.set $i (i32.add (local.get $i) (i32.const 32)))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $four)))
    (local.set $p0 (f64x2.add (local.get $p0) (local.get $q0)))
    (local.set $t0 (f64.add (f64x2.extract_lane 0 (local.get $p0)) (f64x2.extract_lane 1 (local.get $p0))))
    (local.set $p1 (f64x2.add (local.get $p1) (local.get $q1)))
    (local.set $t1 (f64.add (f64x2.extract_lane 0 (local.get $p1)) (f64x2.extract_lane 1 (local.get $p1))))
    (local.set $p2 (f64x2.add (local.get $p2) (local.get $q2)))
    (local.set $t2 (f64.add (f64x2.extract_lane 0 (local.get $p2)) (f64x2.extract_lane 1 (local.get $p2))))
    (local.set $p3 (f64x2.add (local.get $p3) (local.get $q3)))
    (local.set $t3 (f64.add (f64x2.extract_lane 0 (local.get $p3)) (f64x2.extract_lane 1 (local.get $p3))))
    (local.set $end (i32.add (local.get $i) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 3))))
    (block $tail (loop $one
      (br_if $tail (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $xe (f64.load (i32.add (local.get $x) (local.get $i))))
      (local.set $t0 (f64.add (local.get $t0) (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $a) (local.get $j)))) (local.get $xe))))
      (local.set $t1 (f64.add (local.get $t1) (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $a1) (local.get $j)))) (local.get $xe))))
      (local.set $t2 (f64.add (local.get $t2) (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $a2) (local.get $j)))) (local.get $xe))))
      (local.set $t3 (f64.add (local.get $t3) (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $a3) (local.get $j)))) (local.get $xe))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $one)))
    (f64.store (local.get $out) (local.get $t0))
    (f64.store offset=8 (local.get $out) (local.get $t1))
    (f64.store offset=16 (local.get $out) (local.get $t2))
    (f64.store offset=24 (local.get $out) (local.get $t3)))

  ;; One classical Gram–Schmidt pass of x (m) against the k vectors q_0 … q_{k−1} (m each, one after
  ;; another at $q): the coefficients q_i·x first, into $coefficients (k), then x ← x − Σ_i (q_i·x) q_i.
  (func $orthogonalise (export "orthogonalise") (param $q i32) (param $k i32) (param $m i32) (param $x i32) (param $coefficients i32)
    (local $i i32) (local $qi i32) (local $row i32)
    (local.set $row (i32.shl (local.get $m) (i32.const 3)))
    (local.set $qi (local.get $q))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
      (f64.store (i32.add (local.get $coefficients) (i32.shl (local.get $i) (i32.const 3))) (call $dot (local.get $qi) (local.get $x) (local.get $m)))
      (local.set $qi (i32.add (local.get $qi) (local.get $row)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $each)))
    (local.set $i (i32.const 0))
    (local.set $qi (local.get $q))
    (block $done2 (loop $each2
      (br_if $done2 (i32.ge_u (local.get $i) (local.get $k)))
      (call $axpy (f64.neg (f64.load (i32.add (local.get $coefficients) (i32.shl (local.get $i) (i32.const 3))))) (local.get $qi) (local.get $x) (local.get $m))
      (local.set $qi (i32.add (local.get $qi) (local.get $row)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $each2))))

  ;; out ← Σ_i y_i q_i over the k vectors q_i (m each, one after another at $q); out (m) is zeroed first.
  (func (export "combine") (param $q i32) (param $k i32) (param $m i32) (param $y i32) (param $out i32)
    (local $i i32) (local $row i32)
    (local.set $row (i32.shl (local.get $m) (i32.const 3)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $row))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
      (call $axpy (f64.load (local.get $y)) (local.get $q) (local.get $out) (local.get $m))
      (local.set $y (i32.add (local.get $y) (i32.const 8)))
      (local.set $q (i32.add (local.get $q) (local.get $row)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $each))))
  ;; Σ a_i², Σ (a_i − b_i)² and Σ b_i² over n float32 entries at $a and $b, each float32 taken to
  ;; float64 exactly before any arithmetic; the three sums go to $out (three float64).
  (func (export "squaredNormsF32") (param $a i32) (param $b i32) (param $n i32) (param $out i32)
    (local $end i32) (local $va v128) (local $vb v128) (local $x v128) (local $y v128) (local $d v128)
    (local $aa0 v128) (local $aa1 v128) (local $dd0 v128) (local $dd1 v128) (local $bb0 v128) (local $bb1 v128)
    (local $x1 f64) (local $y1 f64) (local $saa f64) (local $sdd f64) (local $sbb f64)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $blocks (loop $four
      (br_if $blocks (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $va (v128.load (local.get $a)))
      (local.set $vb (v128.load (local.get $b)))
      ;; entries 0 and 1
      (local.set $x (f64x2.promote_low_f32x4 (local.get $va)))
      (local.set $y (f64x2.promote_low_f32x4 (local.get $vb)))
      (local.set $d (f64x2.sub (local.get $x) (local.get $y)))
      (local.set $aa0 (f64x2.add (local.get $aa0) (f64x2.mul (local.get $x) (local.get $x))))
      (local.set $bb0 (f64x2.add (local.get $bb0) (f64x2.mul (local.get $y) (local.get $y))))
      (local.set $dd0 (f64x2.add (local.get $dd0) (f64x2.mul (local.get $d) (local.get $d))))
      ;; entries 2 and 3
      (local.set $x (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $va) (local.get $va))))
      (local.set $y (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vb) (local.get $vb))))
      (local.set $d (f64x2.sub (local.get $x) (local.get $y)))
      (local.set $aa1 (f64x2.add (local.get $aa1) (f64x2.mul (local.get $x) (local.get $x))))
      (local.set $bb1 (f64x2.add (local.get $bb1) (f64x2.mul (local.get $y) (local.get $y))))
      (local.set $dd1 (f64x2.add (local.get $dd1) (f64x2.mul (local.get $d) (local.get $d))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (br $four)))
    (local.set $aa0 (f64x2.add (local.get $aa0) (local.get $aa1)))
    (local.set $dd0 (f64x2.add (local.get $dd0) (local.get $dd1)))
    (local.set $bb0 (f64x2.add (local.get $bb0) (local.get $bb1)))
    (local.set $saa (f64.add (f64x2.extract_lane 0 (local.get $aa0)) (f64x2.extract_lane 1 (local.get $aa0))))
    (local.set $sdd (f64.add (f64x2.extract_lane 0 (local.get $dd0)) (f64x2.extract_lane 1 (local.get $dd0))))
    (local.set $sbb (f64.add (f64x2.extract_lane 0 (local.get $bb0)) (f64x2.extract_lane 1 (local.get $bb0))))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $tail (loop $one
      (br_if $tail (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $x1 (f64.promote_f32 (f32.load (local.get $a))))
      (local.set $y1 (f64.promote_f32 (f32.load (local.get $b))))
      (local.set $saa (f64.add (local.get $saa) (f64.mul (local.get $x1) (local.get $x1))))
      (local.set $sbb (f64.add (local.get $sbb) (f64.mul (local.get $y1) (local.get $y1))))
      (local.set $sdd (f64.add (local.get $sdd) (f64.mul (f64.sub (local.get $x1) (local.get $y1)) (f64.sub (local.get $x1) (local.get $y1)))))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (br $one)))
    (f64.store (local.get $out) (local.get $saa))
    (f64.store offset=8 (local.get $out) (local.get $sdd))
    (f64.store offset=16 (local.get $out) (local.get $sbb)))

  ;; The same over n float64 entries.
  (func (export "squaredNormsF64") (param $a i32) (param $b i32) (param $n i32) (param $out i32)
    (local $end i32) (local $x v128) (local $y v128) (local $d v128) (local $aa v128) (local $dd v128) (local $bb v128)
    (local $x1 f64) (local $y1 f64) (local $saa f64) (local $sdd f64) (local $sbb f64)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $pairs (loop $two
      (br_if $pairs (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $x (v128.load (local.get $a)))
      (local.set $y (v128.load (local.get $b)))
      (local.set $d (f64x2.sub (local.get $x) (local.get $y)))
      (local.set $aa (f64x2.add (local.get $aa) (f64x2.mul (local.get $x) (local.get $x))))
      (local.set $bb (f64x2.add (local.get $bb) (f64x2.mul (local.get $y) (local.get $y))))
      (local.set $dd (f64x2.add (local.get $dd) (f64x2.mul (local.get $d) (local.get $d))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (br $two)))
    (local.set $saa (f64.add (f64x2.extract_lane 0 (local.get $aa)) (f64x2.extract_lane 1 (local.get $aa))))
    (local.set $sdd (f64.add (f64x2.extract_lane 0 (local.get $dd)) (f64x2.extract_lane 1 (local.get $dd))))
    (local.set $sbb (f64.add (f64x2.extract_lane 0 (local.get $bb)) (f64x2.extract_lane 1 (local.get $bb))))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $x1 (f64.load (local.get $a)))
        (local.set $y1 (f64.load (local.get $b)))
        (local.set $saa (f64.add (local.get $saa) (f64.mul (local.get $x1) (local.get $x1))))
        (local.set $sbb (f64.add (local.get $sbb) (f64.mul (local.get $y1) (local.get $y1))))
        (local.set $sdd (f64.add (local.get $sdd) (f64.mul (f64.sub (local.get $x1) (local.get $y1)) (f64.sub (local.get $x1) (local.get $y1)))))))
    (f64.store (local.get $out) (local.get $saa))
    (f64.store offset=8 (local.get $out) (local.get $sdd))
    (f64.store offset=16 (local.get $out) (local.get $sbb)))
  ;; out ← Aᵀ u for A (r × c) at $a, u (r) at $u, out (c) at $out: out zeroed, then u_i times row i added in turn.
  (func (export "matvecTransposed") (param $a i32) (param $r i32) (param $c i32) (param $u i32) (param $out i32)
    (local $end i32) (local $row i32)
    (local.set $row (i32.shl (local.get $c) (i32.const 3)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $row))
    (local.set $end (i32.add (local.get $u) (i32.shl (local.get $r) (i32.const 3))))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $u) (local.get $end)))
      (call $axpy (f64.load (local.get $u)) (local.get $a) (local.get $out) (local.get $c))
      (local.set $a (i32.add (local.get $a) (local.get $row)))
      (local.set $u (i32.add (local.get $u) (i32.const 8)))
      (br $rows))))

  ;; One step of Lanczos on the symmetric m × m matrix G at $g (float32 when $single, else float64), with
  ;; the vectors q_0 … q_j (m float64 each, one after another at $q) and the next one, w = q_{j+1},
  ;; made in place after them: w = G q_j − α q_j − β_{j−1} q_{j−1} (α = q_j·G q_j; no β term for j = 0),
  ;; then Gram–Schmidt against q_0 … q_j ($coefficients: j + 1 entries) — a second pass only when the
  ;; first removed more than 30% of w's norm (the Daniel–Gragg–Kaufman–Stewart test) — and w ← w/β with
  ;; β = ‖w‖ (β = 0 when $last: q_0 … q_j span the whole space). Returns α and writes β to $beta (one
  ;; float64); when α is not finite, returns it at once (w then holds G q_j). The same operations in the
  ;; same order as the calls to "matvec", "dot", "axpy", "orthogonalise" and "divide" it replaces.
  (func (export "lanczosStep") (param $g i32) (param $single i32) (param $m i32) (param $q i32) (param $j i32) (param $betaPrevious f64) (param $coefficients i32) (param $last i32) (param $beta i32) (result f64)
    (local $row i32) (local $qj i32) (local $w i32) (local $alpha f64) (local $before f64) (local $pass i32) (local $b f64)
    (local.set $row (i32.shl (local.get $m) (i32.const 3)))
    (local.set $qj (i32.add (local.get $q) (i32.mul (local.get $j) (local.get $row))))
    (local.set $w (i32.add (local.get $qj) (local.get $row)))
    (if (local.get $single)
      (then (call $matvecF32 (local.get $g) (local.get $m) (local.get $m) (local.get $qj) (local.get $w)))
      (else (call $matvec (local.get $g) (local.get $m) (local.get $m) (local.get $qj) (local.get $w))))
    (local.set $alpha (call $dot (local.get $qj) (local.get $w) (local.get $m)))
    ;; α − α is 0 exactly when α is finite (NaN for NaN and ±∞).
    (if (f64.ne (f64.sub (local.get $alpha) (local.get $alpha)) (f64.const 0)) (then (return (local.get $alpha))))
    (call $axpy (f64.neg (local.get $alpha)) (local.get $qj) (local.get $w) (local.get $m))
    (if (i32.gt_u (local.get $j) (i32.const 0))
      (then (call $axpy (f64.neg (local.get $betaPrevious)) (i32.sub (local.get $qj) (local.get $row)) (local.get $w) (local.get $m))))
    (block $orthogonal (loop $passes
      (br_if $orthogonal (i32.ge_u (local.get $pass) (i32.const 2)))
      (local.set $before (call $dot (local.get $w) (local.get $w) (local.get $m)))
      (call $orthogonalise (local.get $q) (i32.add (local.get $j) (i32.const 1)) (local.get $m) (local.get $w) (local.get $coefficients))
      (br_if $orthogonal (f64.ge (call $dot (local.get $w) (local.get $w) (local.get $m)) (f64.mul (f64.const 0.49) (local.get $before))))
      (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
      (br $passes)))
    (if (i32.eqz (local.get $last)) (then (local.set $b (f64.sqrt (call $dot (local.get $w) (local.get $w) (local.get $m))))))
    (if (f64.gt (local.get $b) (f64.const 0)) (then (call $divide (local.get $w) (local.get $m) (local.get $b))))
    (f64.store (local.get $beta) (local.get $b))
    (local.get $alpha))

  ;; The number of eigenvalues below λ of the symmetric tridiagonal T of k rows (diagonal at $d,
  ;; off-diagonal T_{i,i+1} at $e, k − 1 entries): the negative pivots of the LDLᵀ factorisation of
  ;; T − λI (Sturm), a zero pivot taken as $zero (a negative number).
  (func $sturmCount (param $d i32) (param $e i32) (param $k i32) (param $lambda f64) (param $zero f64) (result i32)
    (local $i i32) (local $count i32) (local $p f64) (local $o f64)
    (local.set $p (f64.const 1))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
      (if (i32.eqz (local.get $i))
        (then (local.set $p (f64.sub (f64.load (local.get $d)) (local.get $lambda))))
        (else
          (local.set $o (f64.load (i32.add (local.get $e) (i32.shl (i32.sub (local.get $i) (i32.const 1)) (i32.const 3)))))
          (local.set $p (f64.sub (f64.sub (f64.load (i32.add (local.get $d) (i32.shl (local.get $i) (i32.const 3)))) (local.get $lambda))
                                 (f64.div (f64.mul (local.get $o) (local.get $o)) (local.get $p))))))
      (if (f64.eq (local.get $p) (f64.const 0)) (then (local.set $p (local.get $zero))))
      (if (f64.lt (local.get $p) (f64.const 0)) (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
    (local.get $count))

  ;; The second eigenvalue λ₂ of the symmetric tridiagonal T of k ≥ 2 rows ($d, $e as for $sturmCount),
  ;; whose top eigenvalue $top > 0 is given, as the relative gap (λ₁ − λ₂)/λ₁ clamped to [0, 1]: λ₂ is the
  ;; largest x with at most k − 2 eigenvalues below it, found by bisection from Gershgorin's lower bound
  ;; to $top until the bracket is within 10⁻¹⁵·λ₁ (at most 100 halvings), a zero pivot at x taken as
  ;; −2⁻⁵²·(|x| + 1).
  (func (export "tridiagonalGap") (param $d i32) (param $e i32) (param $k i32) (param $top f64) (result f64)
    (local $i i32) (local $lo f64) (local $hi f64) (local $mid f64) (local $left f64) (local $right f64) (local $it i32)
    (local.set $lo (f64.const inf))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
      (local.set $left (if (result f64) (i32.gt_u (local.get $i) (i32.const 0))
        (then (f64.abs (f64.load (i32.add (local.get $e) (i32.shl (i32.sub (local.get $i) (i32.const 1)) (i32.const 3))))))
        (else (f64.const 0))))
      (local.set $right (if (result f64) (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $k))
        (then (f64.abs (f64.load (i32.add (local.get $e) (i32.shl (local.get $i) (i32.const 3))))))
        (else (f64.const 0))))
      (local.set $lo (f64.min (local.get $lo)
        (f64.sub (f64.sub (f64.load (i32.add (local.get $d) (i32.shl (local.get $i) (i32.const 3)))) (local.get $left)) (local.get $right))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
    (local.set $hi (local.get $top))
    (block $found (loop $halve
      (br_if $found (i32.ge_u (local.get $it) (i32.const 100)))
      (br_if $found (i32.eqz (f64.gt (f64.sub (local.get $hi) (local.get $lo)) (f64.mul (f64.const 1e-15) (local.get $top)))))
      (local.set $mid (f64.mul (f64.const 0.5) (f64.add (local.get $lo) (local.get $hi))))
      (if (i32.le_u
            (call $sturmCount (local.get $d) (local.get $e) (local.get $k) (local.get $mid)
              (f64.mul (f64.const -0x1p-52) (f64.add (f64.abs (local.get $mid)) (f64.const 1))))
            (i32.sub (local.get $k) (i32.const 2)))
        (then (local.set $lo (local.get $mid)))
        (else (local.set $hi (local.get $mid))))
      (local.set $it (i32.add (local.get $it) (i32.const 1)))
      (br $halve)))
    (f64.min (f64.const 1) (f64.max (f64.const 0)
      (f64.div (f64.sub (local.get $top) (f64.max (f64.const 0) (local.get $lo))) (local.get $top)))))

  ;; A pivot of the shifted solve: p, or 10⁻³⁰⁰ when p is 0 or NaN.
  (func $pivot (param $p f64) (result f64)
    (select (f64.const 1e-300) (local.get $p) (i32.or (f64.eq (local.get $p) (f64.const 0)) (f64.ne (local.get $p) (local.get $p)))))

  ;; y ← (T − shift·I)⁻¹ y for the tridiagonal T of k rows ($d, $e as for $sturmCount), by the Thomas
  ;; algorithm with tiny-pivot guards; $c and $x are scratch (k entries each).
  (func $solveShifted (param $d i32) (param $e i32) (param $k i32) (param $shift f64) (param $y i32) (param $c i32) (param $x i32)
    (local $i i32) (local $p f64) (local $o f64) (local $at i32)
    (local.set $p (call $pivot (f64.sub (f64.load (local.get $d)) (local.get $shift))))
    (f64.store (local.get $x) (f64.div (f64.load (local.get $y)) (local.get $p)))
    (local.set $i (i32.const 1))
    (block $done (loop $forward
      (br_if $done (i32.ge_u (local.get $i) (local.get $k)))
      (local.set $at (i32.shl (local.get $i) (i32.const 3)))
      (local.set $o (f64.load (i32.add (local.get $e) (i32.sub (local.get $at) (i32.const 8)))))
      ;; c_{i−1} = off_{i−1} / pivot; pivot = d_i − shift − off_{i−1} c_{i−1}
      (f64.store (i32.add (local.get $c) (i32.sub (local.get $at) (i32.const 8))) (f64.div (local.get $o) (local.get $p)))
      (local.set $p (call $pivot (f64.sub (f64.sub (f64.load (i32.add (local.get $d) (local.get $at))) (local.get $shift))
                                          (f64.mul (local.get $o) (f64.load (i32.add (local.get $c) (i32.sub (local.get $at) (i32.const 8))))))))
      (f64.store (i32.add (local.get $x) (local.get $at))
        (f64.div (f64.sub (f64.load (i32.add (local.get $y) (local.get $at))) (f64.mul (local.get $o) (f64.load (i32.add (local.get $x) (i32.sub (local.get $at) (i32.const 8))))))
                 (local.get $p)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $forward)))
    (local.set $i (i32.sub (local.get $k) (i32.const 2)))
    (block $done2 (loop $backward
      (br_if $done2 (i32.lt_s (local.get $i) (i32.const 0)))
      (local.set $at (i32.shl (local.get $i) (i32.const 3)))
      (f64.store (i32.add (local.get $x) (local.get $at))
        (f64.sub (f64.load (i32.add (local.get $x) (local.get $at)))
                 (f64.mul (f64.load (i32.add (local.get $c) (local.get $at))) (f64.load (i32.add (local.get $x) (i32.add (local.get $at) (i32.const 8)))))))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br $backward)))
    (memory.copy (local.get $y) (local.get $x) (i32.shl (local.get $k) (i32.const 3))))

  ;; The top eigenvalue λ of the symmetric tridiagonal T of k ≥ 1 rows ($d, $e as for $sturmCount),
  ;; known to lie in [lo, hi], and its unit eigenvector, into $y (k entries): bisection on Sturm
  ;; counts until hi − lo ≤ $tolerance·hi (at most 200 halvings; 4·10⁻¹⁶ is float64's limit), then
  ;; three steps of inverse iteration on T − λ(1 + 10⁻¹²)I (shifted just past λ, so that the solve is
  ;; well posed) from the vector of ones. $scratch: 2k entries. Returns λ (the final hi: λ ≤ it).
  (func (export "tridiagonalTop") (param $d i32) (param $e i32) (param $k i32) (param $lo f64) (param $hi f64) (param $tolerance f64) (param $y i32) (param $scratch i32) (result f64)
    (local $it i32) (local $mid f64) (local $shift f64) (local $n f64) (local $i i32)
    (block $done (loop $halve
      (br_if $done (i32.ge_u (local.get $it) (i32.const 200)))
      (br_if $done (i32.eqz (f64.gt (f64.sub (local.get $hi) (local.get $lo)) (f64.mul (local.get $tolerance) (local.get $hi)))))
      (local.set $mid (f64.mul (f64.const 0.5) (f64.add (local.get $lo) (local.get $hi))))
      (if (i32.eq (call $sturmCount (local.get $d) (local.get $e) (local.get $k) (local.get $mid) (f64.const -1e-300)) (local.get $k))
        (then (local.set $hi (local.get $mid)))
        (else (local.set $lo (local.get $mid))))
      (local.set $it (i32.add (local.get $it) (i32.const 1)))
      (br $halve)))
    (local.set $shift (f64.add (f64.mul (local.get $hi) (f64.const 1.000000000001)) (f64.const 1e-300)))
    (block $filled (loop $ones
      (br_if $filled (i32.ge_u (local.get $i) (local.get $k)))
      (f64.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))) (f64.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $ones)))
    (local.set $it (i32.const 0))
    (block $done2 (loop $inverse
      (br_if $done2 (i32.ge_u (local.get $it) (i32.const 3)))
      (call $solveShifted (local.get $d) (local.get $e) (local.get $k) (local.get $shift) (local.get $y)
        (local.get $scratch) (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 3))))
      (local.set $n (f64.sqrt (call $dot (local.get $y) (local.get $y) (local.get $k))))
      (if (f64.gt (local.get $n) (f64.const 0)) (then (call $divide (local.get $y) (local.get $k) (local.get $n))))
      (local.set $it (i32.add (local.get $it) (i32.const 1)))
      (br $inverse)))
    (local.get $hi))
)
