/**
 * `trapcheck driver-check CMD [ARGS…]`: checks a driver against `trapcheck.driver/1`
 * (docs/driver-protocol.md). Prints one line per fault and a summary; exit 0 when the driver has
 * no fault, 1 when it has one, 2 for bad usage. The command is what `--runtime driver:CMD` takes:
 * the words given here (after an optional `--`), or one `driver:…` word (a `.json` driver file).
 */
import { usageError } from '../../errors.ts';
import { shellQuote } from '../../replay-token.ts';
import { DRIVER_PREFIX, isDriverSpec, parseDriverSpec } from '../../runtimes/protocol/driver-spec.ts';
import { runDriverCheck } from '../../runtimes/protocol/check/run-driver-check.ts';
import type { CliIo } from '../io.ts';

const USAGE = 'usage: trapcheck driver-check [--] CMD [ARGS...]   (or: trapcheck driver-check driver:CMD)';

export async function driverCheckCommand(argv: string[], io: CliIo): Promise<number> {
  const words = argv[0] === '--' ? argv.slice(1) : argv;
  if (words[0] === '--help' || words[0] === '-h') {
    io.out(USAGE);
    return 0;
  }
  if (!words.length) throw usageError(`driver-check needs the driver's command; ${USAGE}`);
  const spec = words.length === 1 && isDriverSpec(words[0]!) ? words[0]! : `${DRIVER_PREFIX}${words.map(shellQuote).join(' ')}`;
  parseDriverSpec(spec); // a malformed spec is a usage error (exit 2) before anything starts
  const report = await runDriverCheck(spec);
  const who = report.driver ? `${report.driver} (${spec})` : spec;
  for (const fault of report.faults) io.out(`FAULT ${fault}`);
  if (report.unchecked.length) io.out(`note: claimed features without a check here: ${report.unchecked.join(', ')}`);
  if (report.notClaimed.length) io.out(`note: not claimed, not checked: ${report.notClaimed.join('; ')}`);
  io.out(`driver-check ${who}: ${report.passed.length} checks passed, ${report.faults.length} fault${report.faults.length === 1 ? '' : 's'}`);
  return report.faults.length ? 1 : 0;
}
