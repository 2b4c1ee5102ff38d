import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export const INSTALL_HINT =
  'No Chromium or Chrome found: install one (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROME_PATH to its executable.';

/** The Chromium or Chrome the browser tests drive: CHROME_PATH first, then the usual install locations. */
export function findChromium() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

/**
 * Flags for headless Chromium on a closed network with software WebGL, for the browser tests, the
 * hostile-data and accessibility runs and the package checks. --use-angle/--enable-unsafe-swiftshader:
 * headless Chromium gives no software WebGL context without them (map tests would fail silently). The
 * networking flags stop Chromium from calling home, which the closed network refuses noisily.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
