/**
 * The CLI: parse the command, call the library, print, return the exit code.
 * 0: every verdict pass / imprecise / known-divergence / skip; 1: a case failed;
 * 2: bad usage or bad input (one line naming the problem, no stack trace).
 */
import { TrapcheckError, listChoices } from '../errors.ts';
import type { CliIo } from './io.ts';
import { TOOL_VERSION } from './version.ts';

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  run: { load: async () => (await import('./commands/run.ts')).runCommand, summary: 'corpus + generated cases on runtimes; reports and replay lines' },
  gen: { load: async () => (await import('./commands/gen.ts')).genCommand, summary: 'write generated cases as .wasm, .wat and .json' },
  mutate: { load: async () => (await import('./commands/mutate.ts')).mutateCommand, summary: 'meaning-preserving mutations of a case, a corpus or generated cases (EMI style)' },
  replay: { load: async () => (await import('./commands/replay.ts')).replayCommand, summary: 're-run one case (a case file, or --family --seed --path [--mutate S:I])' },
  fuzz: { load: async () => (await import('./commands/fuzz.ts')).fuzzCommand, summary: 'seeded fuzzing campaign: differential, shrinking, sharded (--shard k/n), resumable (--resume DIR)' },
  findings: { load: async () => (await import('./commands/findings.ts')).findingsCommand, summary: 'the findings of many fuzz campaigns, deduplicated, with a table per runtime' },
  merge: { load: async () => (await import('./commands/merge.ts')).mergeCommand, summary: 'merge the reports of fuzz shards into one' },
  spec: { load: async () => (await import('./commands/spec.ts')).specCommand, summary: 'run .wast scripts (files or folders)' },
  runtimes: { load: async () => (await import('./commands/runtimes.ts')).runtimesCommand, summary: 'list runtimes, availability and versions' },
  'driver-check': { load: async () => (await import('./commands/driver-check.ts')).driverCheckCommand, summary: 'check a driver speaking trapcheck.driver/1 (docs/driver-protocol.md): one line per fault' },
  'oracle-check': { load: async () => (await import('./commands/oracle-check.ts')).oracleCheckCommand, summary: 'independent check of generated expectations on wabt / binaryen interpreters' },
};

export const HELP = `trapcheck ${TOOL_VERSION}: deterministic WebAssembly trap-fuzzing and conformance

usage: trapcheck <command> [options]

${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`).join('\n')}

common options: --seed N  --runtime a,b  --family a,b  --out DIR  --reporter json,junit,md,html
see README.md for every option.`;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.out(TOOL_VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new TrapcheckError('USAGE', `unknown command \`${name}\`; valid commands: ${listChoices(Object.keys(COMMANDS))}`);
    return await (await command.load())(rest, io);
  } catch (e) {
    if (e instanceof TrapcheckError) {
      io.err(`trapcheck: ${e.message.split('\n')[0]}`);
      return 2;
    }
    io.err(`trapcheck: internal error: ${(e as Error)?.stack ?? String(e)}`);
    return 70;
  }
}
