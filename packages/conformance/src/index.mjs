export { runConformance, formatResult, formatSummary, apiRoot } from './runner.mjs';
export { parseArguments, USAGE } from './cli.mjs';
