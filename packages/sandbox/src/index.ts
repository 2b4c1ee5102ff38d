export { buildSandbox, API_PREFIX, type Sandbox } from './app.js';
export { loadConfig, type SandboxConfig } from './config.js';
export { DEMO_CLIENTS, gatewayStringToSign, type Principal, type Role } from './auth.js';
export { startSandbox, type RunningSandbox } from './server.js';
/** For scale benchmarks: a store opened like the sandbox's, and millions of dataset rows made in SQL. */
export { openStore } from './db.js';
export { fillDatasetRows } from './services/data/tables.js';
