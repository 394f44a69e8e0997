// Node entry of the jco child: Node 20 does not load TypeScript itself, so this plain-JS shim
// registers trapcheck's TypeScript loader (as bin/trapcheck.js does) and loads the child.
import '../../loader/register.js';

await import('./child.ts');
