/**
 * `--runtime driver:CMD` → the command line of a driver process. Two forms:
 *   - `driver:/path/to/cmd arg1 'arg 2'`: the text after `driver:` is split into words the way
 *     a POSIX shell splits a simple command (blanks separate; '…' is literal; "…" keeps blanks,
 *     with \" and \\ escapes; a backslash outside quotes escapes the next character), with no
 *     expansion of any kind. `--runtime` takes a comma list, so a command holding a comma needs
 *     the second form.
 *   - `driver:drivers.json`: an existing file ending in `.json` holding
 *     `{"command": "…", "args": ["…"], "env": {"K": "V"}}`; a relative command path is taken
 *     from the file's folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { TrapcheckError } from '../../errors.ts';

export const DRIVER_PREFIX = 'driver:';

export interface DriverCommand {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export function isDriverSpec(spec: string): boolean {
  return spec.startsWith(DRIVER_PREFIX);
}

const bad = (spec: string, why: string): TrapcheckError => new TrapcheckError('UNKNOWN_RUNTIME', `runtime \`${spec}\`: ${why}`);

/** Shell-like word splitting without expansion (see the file comment). */
export function splitWords(text: string, spec = text): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const add = (s: string): void => {
    word = (word ?? '') + s;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw bad(spec, 'unterminated single quote');
      add(text.slice(i + 1, end));
      i = end + 1;
    } else if (ch === '"') {
      let j = i + 1;
      let s = '';
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && (text[j + 1] === '"' || text[j + 1] === '\\')) j++;
        s += text[j];
      }
      if (j >= text.length) throw bad(spec, 'unterminated double quote');
      add(s);
      i = j + 1;
    } else if (ch === '\\') {
      if (i + 1 >= text.length) throw bad(spec, 'a backslash at the end');
      add(text[i + 1]!);
      i += 2;
    } else {
      add(ch);
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

function fromConfigFile(spec: string, file: string): DriverCommand {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw bad(spec, `cannot read the driver file: ${(e as Error).message}`);
  }
  const o = (raw ?? {}) as Record<string, unknown>;
  if (typeof o['command'] !== 'string' || !o['command']) throw bad(spec, 'the driver file needs "command" (a string)');
  const args = o['args'] ?? [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) throw bad(spec, 'the driver file\'s "args" must be a list of strings');
  const command = o['command'].includes('/') && !isAbsolute(o['command']) ? resolve(dirname(file), o['command']) : o['command'];
  const out: DriverCommand = { command, args: args as string[] };
  const env = o['env'];
  if (env !== undefined) {
    if (typeof env !== 'object' || env === null || Object.values(env).some((v) => typeof v !== 'string')) throw bad(spec, 'the driver file\'s "env" must map names to strings');
    out.env = env as Record<string, string>;
  }
  return out;
}

/** The driver's command line from a `driver:…` runtime spec; a one-line error (exit 2) when it has none. */
export function parseDriverSpec(spec: string): DriverCommand {
  const text = spec.slice(DRIVER_PREFIX.length).trim();
  if (!text) throw bad(spec, 'name the driver command after `driver:` (`driver:/path/to/driver --flag`)');
  if (text.endsWith('.json') && !/\s/.test(text) && existsSync(text)) return fromConfigFile(spec, text);
  const [command, ...args] = splitWords(text, spec);
  return { command: command!, args };
}
