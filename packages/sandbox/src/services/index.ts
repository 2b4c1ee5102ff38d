import type { SandboxService } from '../context.js';
import { commonService } from './common/index.js';

/**
 * Every service of the platform, in seeding order (later services may read earlier ones' tables:
 * approvals reads the GIS zones and parcels).
 */
export function createServices(): SandboxService[] {
  return [commonService];
}
