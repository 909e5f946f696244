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
  trafik: 'trafik@example.se',
  reader: 'lasare@example.se',
};

export function freePort() {
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
 * Starts `tertial demo` on a free port with a database in a new temporary folder (and any
 * further `args`), and waits until /healthz answers 200. Returns { baseURL, stop(), crash(),
 * serveAgain(), output() }: `crash()` kills the server without warning (as a crash or a
 * lost server would look to the browser), and `serveAgain()` starts `tertial serve` on the
 * same database and port.
 */
export async function startDemo({ timeoutMs = 60_000, args = [], port: wantedPort } = {}) {
  const bin = process.env.TERTIAL_BIN
    ? resolve(process.env.TERTIAL_BIN)
    : join(repoRoot, 'target', 'debug', 'tertial');
  const dir = await mkdtemp(join(tmpdir(), 'tertial-e2e-'));
  // `port`: a port chosen beforehand (the single sign-on test registers it at its provider).
  const port = wantedPort ?? (await freePort());
  const baseURL = `http://127.0.0.1:${port}`;
  // `args`: more flags for the server, such as short session limits.
  const database = ['--bind', `127.0.0.1:${port}`, '--database-url', `sqlite:${join(dir, 'demo.db')}`, ...args];
  // The demo's own settings come from the arguments; drop variables that would change them.
  const env = { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' };
  for (const name of Object.keys(env)) {
    if (name.startsWith('TERTIAL_') && name !== 'TERTIAL_BIN') delete env[name];
  }
  delete env.DATABASE_URL;

  let output = '';
  let server = null;

  /** Starts `tertial COMMAND` and waits until it answers /healthz. */
  async function launch(command) {
    const child = spawn(bin, [command, ...database], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk) => {
      output += chunk.toString();
      if (output.length > 20_000) output = output.slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const state = { child, exited: null, spawnError: null };
    state.exit = new Promise((r) => child.once('exit', (code, signal) => {
      state.exited = { code, signal };
      r();
    }));
    child.once('error', (e) => { state.spawnError = e; });
    running.set(child, dir);
    server = state;

    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (state.spawnError || state.exited) {
        await stop();
        throw new Error(
          `tertial ${command} did not start (${state.spawnError ? state.spawnError.message : `exit ${JSON.stringify(state.exited)}`})` +
            ` using ${bin}; build it with \`cargo build -p tertial\` or set TERTIAL_BIN.\n${output}`,
        );
      }
      try {
        const response = await fetch(`${baseURL}/healthz`, { signal: AbortSignal.timeout(2_000) });
        // Only our own process may answer: if it has already exited, the port is someone else's.
        if (response.status === 200 && !state.exited) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`tertial ${command} did not answer ${baseURL}/healthz within ${timeoutMs} ms.\n${output}`);
      }
      await sleep(100);
    }
  }

  async function kill(signal) {
    const state = server;
    if (!state) return;
    if (!state.exited) {
      state.child.kill(signal);
      const ended = await Promise.race([state.exit.then(() => true), sleep(5_000).then(() => false)]);
      if (!ended) {
        state.child.kill('SIGKILL');
        await state.exit;
      }
    }
    running.delete(state.child);
    server = null;
  }

  async function stop() {
    await kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }

  await launch('demo');
  return {
    baseURL,
    stop,
    crash: () => kill('SIGKILL'),
    serveAgain: () => launch('serve'),
    output: () => output,
  };
}
