/**
 * A mutated case rebuilt from its replay line (`trapcheck replay … --mutate SEED:INDEX`): the
 * original case, then the same mutation. A token that mutates nothing is a usage error naming why.
 */
import type { Case } from '../case.ts';
import { usageError } from '../errors.ts';
import type { MutationToken } from '../replay-token.ts';
import { formatMutationToken } from '../replay-token.ts';
import { mutateCase } from './mutate-case.ts';

export function mutatedForReplay(original: Case, token: MutationToken): Case {
  const m = mutateCase(original, token);
  if (!m.case) throw usageError(`--mutate ${formatMutationToken(token)} leaves ${original.id} unchanged (${m.skipped.join('; ')})`);
  return m.case;
}
