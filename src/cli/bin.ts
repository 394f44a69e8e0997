/** Process entry: runs the CLI and exits with its code once output is flushed. */
import { processIo } from './io.ts';
import { runCli } from './main.ts';

const code = await runCli(process.argv.slice(2), processIo);
// Exit explicitly: a wedged worker must never keep a finished run alive.
process.stdout.write('', () => process.exit(code));
