export { buildSandbox, API_PREFIX, type Sandbox } from './app.js';
export { loadConfig, type SandboxConfig } from './config.js';
export { DEMO_CLIENTS, gatewayStringToSign, type Principal, type Role } from './auth.js';
export { startSandbox, type RunningSandbox } from './server.js';
