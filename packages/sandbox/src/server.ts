import type { AddressInfo } from 'node:net';
import { buildSandbox, type Sandbox } from './app.js';
import { loadConfig, type SandboxConfig } from './config.js';

export interface RunningSandbox extends Sandbox {
  /** Base URL of the server, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

/** Builds, seeds and starts a sandbox; `port: 0` picks a free port (tests). */
export async function startSandbox(overrides: Partial<SandboxConfig> = {}, env: NodeJS.ProcessEnv = process.env): Promise<RunningSandbox> {
  const config = loadConfig(env, overrides);
  const sandbox = await buildSandbox(config);
  await sandbox.app.listen({ host: config.host, port: config.port }).catch(async (error: unknown) => {
    await sandbox.app.close();
    throw error;
  });
  const address = sandbox.app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '[::1]' || host === '127.0.0.1' ? host : 'localhost'}:${address.port}`;
  // Links in responses are built from this, never from the Host header; known only now that the port is.
  config.publicBaseUrl ??= config.host === 'localhost' ? `http://localhost:${address.port}` : url;
  return {
    ...sandbox,
    url,
    close: () => sandbox.app.close(),
  };
}
