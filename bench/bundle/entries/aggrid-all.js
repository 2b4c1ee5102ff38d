// AG Grid Community as its quick start registers it: every community module.
import { AllCommunityModule, ModuleRegistry, createGrid } from 'ag-grid-community';
ModuleRegistry.registerModules([AllCommunityModule]);
export { createGrid };
