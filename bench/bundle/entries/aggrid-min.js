// AG Grid Community with only what the table benchmark uses: client-side rows, sort, text and number filters.
import { ClientSideRowModelModule, ModuleRegistry, NumberFilterModule, TextFilterModule, createGrid } from 'ag-grid-community';
ModuleRegistry.registerModules([ClientSideRowModelModule, TextFilterModule, NumberFilterModule]);
export { createGrid };
