// The Mocha BDD globals that @web/test-runner provides in the browser, for type-checking
// the tests (the project does not depend on @types/mocha).
type MochaDone = (error?: unknown) => void;
type MochaHook = (() => void | Promise<unknown>) | ((done: MochaDone) => void);

declare function describe(title: string, suite: () => void): void;
declare function it(title: string, test?: MochaHook): void;
declare function before(hook: MochaHook): void;
declare function after(hook: MochaHook): void;
declare function beforeEach(hook: MochaHook): void;
declare function afterEach(hook: MochaHook): void;
