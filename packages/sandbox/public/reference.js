// The API reference of one service (/openapi/<service>/): Swagger UI over the published bundle.
// A file of its own, not an inline script, so the page keeps `script-src 'self'`.
const container = document.getElementById('reference');
const response = await fetch(container.dataset.specUrl);
const spec = await response.json();
// "Try it out" calls the server that serves this page, whatever host and port it runs on.
spec.servers = [{ url: new URL('/api/v1', window.location.origin).href, description: 'this server' }];
window.SwaggerUIBundle({
  spec,
  domNode: container,
  deepLinking: true,
  docExpansion: 'list',
  defaultModelsExpandDepth: 0,
  // The default validator badge would send the spec to validator.swagger.io.
  validatorUrl: null,
});
