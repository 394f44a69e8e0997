// Adds package-lock entries for optional platform packages (other OSes/CPUs) that the npm
// registry reachable here does not serve. Without them `npm ci` refuses the lock ("Missing: @deno/darwin-arm64
// from lock file"). Run after every `npm install`: node scripts/lockfile-foreign-optionals.cjs package-lock.json
const fs = require('fs');
const lock = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const pk = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(pk)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies || {})) {
    const key = `node_modules/${name}`;
    if (pk[key] || pk[`${path}/node_modules/${name}`]) continue;
    const n = name.toLowerCase();
    const os = /darwin/.test(n) ? 'darwin' : /win32|windows/.test(n) ? 'win32' : /linux/.test(n) ? 'linux' : /freebsd/.test(n) ? 'freebsd' : null;
    const cpu = /arm64|aarch64/.test(n) ? 'arm64' : /x64|x86_64/.test(n) ? 'x64' : /ia32/.test(n) ? 'ia32' : null;
    if (!os || !cpu) { console.error('cannot infer platform of', name); process.exit(1); }
    const e = { version, cpu: [cpu], os: [os], optional: true };
    if (entry.dev) e.dev = true;
    if (/musl/.test(n)) e.libc = ['musl'];
    else if (/gnu|glibc/.test(n)) e.libc = ['glibc'];
    pk[key] = e;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pk).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(process.argv[2], JSON.stringify(lock, null, 2) + '\n');
console.log('added', added);
