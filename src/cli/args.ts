/**
 * Argument parsing on node:util parseArgs, with one-line errors that name the bad option and
 * the valid choices (exit 2).
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { TrapcheckError, usageError, listChoices } from '../errors.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/**
 * `--runs -5`: node's parseArgs refuses a value that starts with a dash ("argument is ambiguous")
 * and never says what is wrong with it. A negative number after a value-taking option is that
 * option's value, so the option's own check can name the problem (`--runs must be ≥ 0, got -5`).
 */
function attachNegativeValues(argv: readonly string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a.startsWith('--') && !a.includes('=') && options[a.slice(2)]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function parse(command: string, argv: string[], options: OptionSpec): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: attachNegativeValues(argv, options), options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (e) {
    const message = (e as Error).message.split('\n')[0]!.replace(/^Unknown option '([^']*)'.*$/, `unknown option \`$1\` for \`trapcheck ${command}\`; valid options: ${listChoices(Object.keys(options).map((o) => `--${o}`))}`);
    throw usageError(message);
  }
}

export function intOption(values: Record<string, unknown>, name: string, fallback: number, min = 0): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const text = String(raw);
  if (!/^-?\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text)))
    throw usageError(`--${name} must be an integer ≥ ${min}, got \`${text}\``);
  return Number(text);
}

/** `--x a,b --x c` → ['a','b','c'] (options declared `multiple: true` or comma lists). */
export function listOption(values: Record<string, unknown>, name: string): string[] | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const list = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw usageError(`--${name} needs a value`);
  return list;
}

export function checkChoices(option: string, given: readonly string[], valid: readonly string[], code: 'UNKNOWN_FAMILY' | 'UNKNOWN_REPORTER' | 'USAGE' = 'USAGE'): void {
  for (const g of given)
    if (!valid.includes(g)) throw new TrapcheckError(code, `unknown ${option} \`${g}\`; valid choices: ${listChoices(valid)}`);
}
