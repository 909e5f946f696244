// Starts a fresh Tertial demo (its own temporary SQLite database, its own free port) for one
// test file, and stops it again.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..');

/** The password of every demo account. */
export const DEMO_PASSWORD = 'tertial-demo';
export const ACCOUNTS = {
  coordinator: 'samordnare@example.se',
  skarholmen: 'skarholmen@example.se',
  bromma: 'bromma@example.se',
  reader: 'lasare@example.se',
};

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Demos still running when this process ends (a test timed out, the run was interrupted)
// are killed and their folders removed, so that no server outlives its tests.
const running = new Map(); // child process → temp dir
function killAll() {
  for (const [child, dir] of running) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  running.clear();
}
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAll();
    process.kill(process.pid, signal);
  });
}

/**
 * Starts `tertial demo` on a free port with a database in a new temporary folder and waits
 * until /healthz answers 200. Returns { baseURL, stop() }.
 */
export async function startDemo({ timeoutMs = 60_000 } = {}) {
  const bin = process.env.TERTIAL_BIN
    ? resolve(process.env.TERTIAL_BIN)
    : join(repoRoot, 'target', 'debug', 'tertial');
  const dir = await mkdtemp(join(tmpdir(), 'tertial-e2e-'));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  // The demo's own settings come from the arguments; drop variables that would change them.
  const env = { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' };
  for (const name of Object.keys(env)) {
    if (name.startsWith('TERTIAL_') && name !== 'TERTIAL_BIN') delete env[name];
  }
  delete env.DATABASE_URL;

  const child = spawn(
    bin,
    ['demo', '--bind', `127.0.0.1:${port}`, '--database-url', `sqlite:${join(dir, 'demo.db')}`],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk) => {
    output += chunk.toString();
    if (output.length > 20_000) output = output.slice(-20_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  const exit = new Promise((r) => child.once('exit', (code, signal) => {
    exited = { code, signal };
    r();
  }));
  let spawnError = null;
  child.once('error', (e) => { spawnError = e; });
  running.set(child, dir);

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exit.then(() => true), sleep(5_000).then(() => false)]);
      if (!killed) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    running.delete(child);
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError || exited) {
      await stop();
      throw new Error(
        `tertial demo did not start (${spawnError ? spawnError.message : `exit ${JSON.stringify(exited)}`})` +
          ` using ${bin}; build it with \`cargo build -p tertial\` or set TERTIAL_BIN.\n${output}`,
      );
    }
    try {
      const response = await fetch(`${baseURL}/healthz`, { signal: AbortSignal.timeout(2_000) });
      // Only our own process may answer: if it has already exited, the port is someone else's.
      if (response.status === 200 && !exited) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`tertial demo did not answer ${baseURL}/healthz within ${timeoutMs} ms.\n${output}`);
    }
    await sleep(100);
  }
  return { baseURL, stop, output: () => output };
}
