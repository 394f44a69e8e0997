/**
 * A campaign's coverage: per family, tag → value → cases (not case × runtime), with the `oracle`
 * value of each case (which expectation rows it exercised) counted as one more tag.
 */
import type { Case } from '../case.ts';
import type { CampaignState } from './state.ts';

function bump(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

/**
 * The `oracle` coverage value: which expectation rows a case exercised (step op → expected
 * outcome kind), runs of the same row written once with their length (`invoke→return×2000`): a
 * case that parks two thousand calls must not put a 30 KB key into the report.
 */
export function oracleTag(c: Pick<Case, 'steps'>): string {
  let out = '';
  let row = '';
  let run = 0;
  const flush = (): void => {
    if (run) out += `${out ? ' ' : ''}${run > 1 ? `${row}×${run}` : row}`;
  };
  for (const s of c.steps) {
    const next = `${s.op}→${s.expect.outcome?.kind ?? 'state'}`;
    if (next === row) run++;
    else {
      flush();
      row = next;
      run = 1;
    }
  }
  flush();
  return out;
}

/**
 * Coverage counts cases (not case × runtime), per family: tag → value → count. `oracle`, when
 * given, is counted as the case's `oracle` tag (in place of one it carries, else after the others),
 * as if it were in `tags`: the campaign need not copy every case's tags to add it.
 */
export function addCoverage(state: CampaignState, family: string, tags: Record<string, string> | undefined, oracle?: string): void {
  state.cases++;
  if (!tags && oracle === undefined) return;
  const fam = (state.coverage[family] ??= {});
  let oracleCounted = oracle === undefined;
  for (const tag in tags) {
    let value = tags[tag]!;
    if (tag === 'oracle' && oracle !== undefined) {
      value = oracle;
      oracleCounted = true;
    }
    bump((fam[tag] ??= {}), value);
  }
  if (!oracleCounted) bump((fam['oracle'] ??= {}), oracle!);
}
