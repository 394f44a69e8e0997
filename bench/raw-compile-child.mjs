// The raw baseline of bench/e2e.bench.ts run where trapcheck's cases run: a child process started
// with the reference runtime's child V8 flags (runtimes/process-pool.ts CHILD_EXEC_ARGV: no trap
// handler, eager Liftoff, no background threads). Plain JS: it needs no loader, and nothing but
// compile + instantiate + call runs here. It gets the modules once, then loops over them on
// every `run` message.
Error.stackTraceLimit = 0;
let modules = [];
process.on('message', (m) => {
  if (m.t === 'load') {
    modules = m.modules;
    process.send({ t: 'loaded' });
  } else if (m.t === 'run') {
    for (const bytes of modules) {
      try {
        const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
        instance.exports.run();
      } catch {
        // traps are the point
      }
    }
    process.send({ t: 'done' });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ t: 'ready' });
