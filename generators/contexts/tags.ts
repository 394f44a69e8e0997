/**
 * Which constructs a context actually contains (a swarm configuration only says which it may
 * contain), as coverage tags: one `ctx:<construct>` key per construct present, value `on`.
 *
 * `dead-code` means code in unreachable position (validated against the polymorphic stack): the
 * dead-code lists after `br` / `br_table` / `return`, an `if` arm that starts with `unreachable`,
 * and any construct that follows a bare `return` in the same block (the walk tracks that, as the
 * encoder emits it: every construct emits at least one instruction).
 */
import type { Around, Carry, Construct, ContextParams, DeadOp, Pure } from './params.ts';
import { CONSTRUCTS } from './params.ts';

type Found = Set<Construct>;

function dead(ops: DeadOp[], out: Found): void {
  if (ops.length > 0) out.add('dead-code');
}

function pure(code: Pure[], out: Found): void {
  if (code.length > 0) out.add('pre-code');
}

/** Carries in sequence in one block; whether that block is in unreachable position after them. */
function carries(list: Carry[], unreachable: boolean, out: Found): boolean {
  for (const c of list) unreachable = carry(c, unreachable, out);
  return unreachable;
}

function carry(c: Carry, unreachable: boolean, out: Found): boolean {
  if (unreachable) out.add('dead-code');
  switch (c.k) {
    case 'locals':
      out.add('locals');
      pure(c.between, out);
      return unreachable;
    case 'select':
    case 'call':
    case 'call_indirect':
      out.add(c.k);
      return unreachable;
    case 'return':
      out.add('return');
      dead(c.dead, out);
      return c.bare || unreachable;
    case 'block-params':
      out.add(c.k);
      carries(c.inner, false, out);
      return unreachable;
    case 'loop-params':
      out.add(c.k);
      // the back edge follows the carries inside the loop
      if (carries(c.inner, false, out)) out.add('dead-code');
      return unreachable;
    case 'br':
      out.add('br-values');
      dead(c.dead, out);
      return unreachable;
    case 'br_if':
      out.add('br_if-values');
      return unreachable;
    case 'br_table':
      out.add('br_table-values');
      dead(c.dead, out);
      return unreachable;
  }
}

/** Walks an around node; whether the block it sits in is in unreachable position after it. */
function around(a: Around, out: Found): boolean {
  switch (a.k) {
    case 'hole':
      return false;
    case 'block':
    case 'loop':
    case 'block-params':
      out.add(a.k);
      around(a.inner, out);
      return false;
    case 'if':
      out.add('if');
      // an arm that starts with `unreachable` and never runs is dead code, even with nothing after it
      if (a.other.k === 'dead') out.add('dead-code');
      around(a.inner, out);
      return false;
    case 'br':
    case 'br_if':
    case 'br_table':
      out.add(a.k === 'br' ? 'br-values' : a.k === 'br_if' ? 'br_if-values' : 'br_table-values');
      // the branch follows the inner code in the same block
      if (around(a.inner, out)) out.add('dead-code');
      if (a.k !== 'br_if') dead(a.dead, out);
      return false;
    case 'pre':
      pure(a.code, out);
      return around(a.inner, out);
    case 'then':
      return carry(a.carry, around(a.inner, out), out);
  }
}

/** The constructs present in `params`, in CONSTRUCTS order. */
export function constructsOf(params: ContextParams): Construct[] {
  const out: Found = new Set();
  around(params.root, out);
  return CONSTRUCTS.filter((c) => out.has(c));
}

/** Each construct's tag key, built once (tags are made for every generated case). */
const TAG_KEYS: ReadonlyArray<readonly [Construct, string]> = CONSTRUCTS.map((c) => [c, `ctx:${c}`]);

/** Coverage tags for a case: `ctx:<construct>` → `on` for every construct present, in CONSTRUCTS order. */
export function contextTags(params: ContextParams): Record<string, string> {
  const out: Found = new Set();
  around(params.root, out);
  const tags: Record<string, string> = {};
  for (const [c, key] of TAG_KEYS) if (out.has(c)) tags[key] = 'on';
  return tags;
}

/** What a family declares for its context tags (generators/family.ts `declares`). */
export const CONTEXT_DECLARES: Record<string, readonly string[]> = Object.fromEntries(CONSTRUCTS.map((c) => [`ctx:${c}`, ['on']]));
