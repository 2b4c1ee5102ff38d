import { existsSync } from 'node:fs';

export const FIREFOX_INSTALL_HINT =
  'No Firefox found for the second-engine stages: install Firefox ESR (Debian/Ubuntu: sudo apt-get install -y firefox-esr) or set FIREFOX_PATH.';

/** The Firefox the second-engine browser tests drive: FIREFOX_PATH first, then Debian's Firefox ESR. */
export function findFirefox() {
  return [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'].find((path) => path && existsSync(path)) ?? null;
}
