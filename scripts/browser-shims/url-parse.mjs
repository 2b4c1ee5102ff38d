// tus-js-client's browser build imports `url-parse` (CommonJS, which neither rollup nor
// web-test-runner load without a CommonJS plugin) for one thing only: resolving an upload's
// `Location` against the endpoint, `new URL(link, origin).toString()`. Every browser of the
// baseline has the WHATWG URL, which does exactly that; the bundles and browser tests use it instead.
export default globalThis.URL;
