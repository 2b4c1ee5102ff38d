import { expect } from '@open-wc/testing';

/**
 * The `firefox` stage of npm test deletes the APIs newer than the browser baseline from the page
 * (web-test-runner.firefox.config.mjs) before its suites run: this checks that the deletion took, so
 * those suites really ran on the fallbacks. Elsewhere it has nothing to check.
 */
describe('APIs newer than the browser baseline', () => {
  it('are gone from the page in the Firefox run', function (this: { skip(): void }) {
    const deleted = (window as { CITYBRAIN_DELETED_APIS?: string[] }).CITYBRAIN_DELETED_APIS;
    if (!deleted) {
      this.skip();
      return;
    }
    const lookup = (path: string) => path.split('.').reduce<unknown>((object, key) => (object as Record<string, unknown> | undefined)?.[key], window);
    expect(deleted).to.include('AbortSignal.any');
    expect(deleted.filter((path) => lookup(path) !== undefined)).to.deep.equal([]);
  });
});
