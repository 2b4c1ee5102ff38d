/**
 * The sandbox CLI in a child process, as scripts/sandbox-process.mjs starts it, but keeping the child:
 * the crash tests kill it with SIGKILL, and the client campaigns run the server on its own event loop
 * (and core) so that the client's timeouts measure the client, not a server sharing its thread.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface SandboxChild {
  url: string;
  process: ChildProcess;
}

export function startSandboxChild(dbPath = ':memory:', env: Record<string, string> = {}): Promise<SandboxChild> {
  const child = spawn(process.execPath, ['--conditions=citybrain-source', '--import', 'tsx', 'packages/sandbox/src/cli.ts'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      CITYBRAIN_REPO_ROOT: REPO_ROOT,
      CITYBRAIN_HOST: '127.0.0.1',
      CITYBRAIN_PORT: '0',
      CITYBRAIN_DB: dbPath,
      CITYBRAIN_SEED_SIZE: 'small',
      CITYBRAIN_SIMULATE: 'off',
      CITYBRAIN_CONTRACT_CHECK: 'on',
      CITYBRAIN_TEST_HOOKS: 'on',
      CITYBRAIN_LOG_LEVEL: 'error',
      CITYBRAIN_FAULTS: '',
      ...env,
    },
  });
  // Never outlive the test process.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.removeListener('exit', reap));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox did not start in 120 s:\n${output}`));
    }, 120_000);
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /running on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, process: child });
      }
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}

export function killHard(child: SandboxChild): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    child.process.once('exit', () => resolve());
    child.process.kill('SIGKILL');
  });
}

export function stopGracefully(child: SandboxChild): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    child.process.once('exit', () => resolve());
    child.process.kill('SIGTERM');
  });
}
