/** The eight non-saturating float → int truncations, shared by the families that exercise them. */
export interface TruncOp {
  name: string;
  to: 'i32' | 'i64';
  from: 'f32' | 'f64';
  signed: boolean;
}

export const TRUNC_OPS: readonly TruncOp[] = (['i32', 'i64'] as const).flatMap((to) =>
  (['f32', 'f64'] as const).flatMap((from) => [true, false].map((signed) => ({ name: `${to}.trunc_${from}_${signed ? 's' : 'u'}`, to, from, signed }))),
);
