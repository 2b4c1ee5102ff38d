#!/usr/bin/env node
import { DEMO_CLIENTS } from './auth.js';
import { loadConfig } from './config.js';
import { startSandbox } from './server.js';
import { withoutPassword } from './storage/postgres.js';

/** `citybrain-sandbox`: what `npm start` runs. Configuration comes from CITYBRAIN_* environment variables. */
async function main() {
  const config = loadConfig(process.env, { simulate: process.env.CITYBRAIN_SIMULATE !== 'off' });
  const logLevel = process.env.CITYBRAIN_LOG_LEVEL ?? 'warn';
  // The database's address without its password, which a log must not hold.
  const store = config.databaseUrl ? withoutPassword(config.databaseUrl) : config.dbPath;
  console.log(`City Brain sandbox: opening ${store} (first start seeds ${config.seedSize} Nanhai data; this can take a minute)…`);
  const sandbox = await startSandbox({ ...config, logLevel });
  const base = sandbox.ctx.config.publicBaseUrl ?? sandbox.url;
  const lines = [
    '',
    `  City Brain sandbox is running on ${base}`,
    '',
    `  Example town website   ${base}/examples/town-website/`,
    `  API                    ${base}/api/v1   (contracts: ${base}/openapi/)`,
    `  Database               ${store}`,
    `  Uploaded materials     ${sandbox.ctx.config.uploadsDir}`,
    `  Simulation             ${config.simulate ? 'on (applications and work orders advance on a timer)' : 'off'}`,
    '',
    '  Demo clients (POST /api/v1/auth/token, grant_type=client_credentials):',
    ...DEMO_CLIENTS.map((c) => `    ${c.clientId.padEnd(24)} ${c.secret.padEnd(32)} ${c.role.padEnd(10)} ${c.regionCode}  ${c.name}`),
    '',
    '  Press Ctrl-C to stop.',
    '',
  ];
  console.log(lines.join('\n'));
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: closing the sandbox…`);
    await sandbox.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
