import type { SandboxService } from '../context.js';
import { commonService } from './common/index.js';
import { gisService } from './gis/index.js';
import { approvalsService } from './approvals/index.js';
import { workOrdersService } from './workorders/index.js';
import { dataService } from './data/index.js';

/**
 * Every service of the platform, in seeding order (later services may read earlier ones' tables:
 * approvals reads the GIS zones and parcels).
 */
export function createServices(): SandboxService[] {
  return [commonService, gisService, approvalsService, workOrdersService, dataService];
}
