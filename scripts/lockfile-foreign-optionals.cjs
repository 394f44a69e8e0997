// Adds package-lock entries for optional platform packages (other OSes/CPUs) that the npm
// registry reachable here does not serve. Without them `npm ci` refuses the lock ("Missing: @deno/darwin-arm64
// from lock file"). Run after every `npm install`: node scripts/lockfile-foreign-optionals.cjs package-lock.json
//
// Version-aware: two versions of one package (the `wizer-10` / `wizer-11` aliases) both want
// `@bytecodealliance/wizer-darwin-arm64`, at 10.0.0 and 11.0.3. npm hoists one version to
// node_modules/ and nests the other under its dependent, so an entry resolved from the dependent
// with the wrong version is added nested (`node_modules/wizer-11/node_modules/...`), as npm would.
const fs = require('fs');
const lock = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const pk = lock.packages;

// Node's process.platform / process.arch names, as npm's `os` / `cpu` fields use them. Longer
// spellings first so `arm64` is not read as `arm`.
const OSES = [['darwin', /darwin|macos/], ['win32', /win32|windows/], ['linux', /linux/], ['freebsd', /freebsd/],
  ['openbsd', /openbsd/], ['netbsd', /netbsd/], ['sunos', /sunos/], ['aix', /aix/], ['android', /android/]];
const CPUS = [['arm64', /arm64|aarch64/], ['x64', /x64|x86_64|amd64/], ['ia32', /ia32|x86(?!_)/], ['s390x', /s390x/],
  ['ppc64', /ppc64/], ['riscv64', /riscv64/], ['loong64', /loong64|loongarch64/], ['mips64el', /mips64el/], ['arm', /arm/]];
const pick = (table, n) => (table.find(([, re]) => re.test(n)) || [null])[0];

/** Where npm resolves `name` from the package at `path`: its own node_modules, then each ancestor's. */
function resolveFrom(path, name) {
  let dir = path;
  for (;;) {
    const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (pk[key]) return key;
    if (!dir) return null;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

// Only exact versions can be compared without semver; a range is taken as satisfied.
const satisfies = (version, wanted) => !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(wanted) || version === wanted;

let added = 0;
for (const [path, entry] of Object.entries(pk)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies || {})) {
    const found = resolveFrom(path, name);
    if (found && satisfies(pk[found].version, version)) continue;
    const key = found ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    if (pk[key]) continue;
    const n = name.toLowerCase();
    const os = pick(OSES, n);
    const cpu = pick(CPUS, n);
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
