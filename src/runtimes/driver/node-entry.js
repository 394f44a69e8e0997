// Node entry of the driver: Node 20 does not load TypeScript itself, so this plain-JS shim
// registers trapcheck's TypeScript loader (as bin/trapcheck.js does) and loads the driver.
import '../../loader/register.js';

await import('./driver.ts');
