// Tabulator's full build (every module), as its docs import it.
export { TabulatorFull } from 'tabulator-tables';
