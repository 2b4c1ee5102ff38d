// Browser half of the reliability suite (issue 10): the hostile-data corpus through the elements
// (table cells, map popups, status timelines) in Debian's Chromium, against the same real sandbox
// as the component tests. It reuses web-test-runner.config.mjs and only swaps the test files.
// Run: npx wtr --config web-test-runner.reliability.config.mjs (npm run soak runs it too).
import base from './web-test-runner.config.mjs';

export default {
  ...base,
  files: ['reliability/browser/**/*.test.ts'],
  coverageConfig: undefined,
  testFramework: { config: { timeout: 300000 } },
  testsFinishTimeout: 900000,
};
