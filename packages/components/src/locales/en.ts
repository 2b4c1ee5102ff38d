import { str, type LocaleModule } from '@lit/localize';
import { applicationFormTemplates } from '../application-form/application-form.en.js';
import { approvalStatusTemplates } from '../approval-status/approval-status.en.js';
import { dataTableTemplates } from '../data-table/data-table.en.js';
import { mapViewerTemplates } from '../map-viewer/map-viewer.en.js';

/**
 * English strings, keyed by the explicit `id` of each `msg()` call; the Chinese
 * source text lives next to the call. In `str` templates `${n}` stands for the
 * source's n-th expression (0-based), so translations may reorder them.
 *
 * An element keeps its own strings in `src/<element>/<element>.en.ts`
 * (`export const templates = { … } satisfies LocaleModule['templates']`), imported
 * and spread below. `npm run check:locales -w @citybrain/components` checks that
 * every id is translated once, with matching placeholders, and every file is spread.
 */
const foundationTemplates: LocaleModule['templates'] = {
  ...applicationFormTemplates,
  ...approvalStatusTemplates,
  ...dataTableTemplates,
  ...mapViewerTemplates,
  'config.base-url-invalid': str`Invalid server URL “${0}”: expected an http(s) address.`,
  'config.get-token-invalid': str`Invalid getToken: expected a function that returns a token, got ${0}.`,
  'config.client-refused': str`Invalid client settings: ${0}`,
  'config.base-url-missing': 'No server URL: set the base-url attribute, or place the element inside <cb-provider base-url="…">.',
  'config.region-invalid': str`Invalid region code “${0}”: expected 6, 9 or 12 digits.`,
  'error.forbidden': 'You do not have permission to view this.',
  'error.generic': 'Loading failed. Please try again.',
  'error.network': 'Network connection failed. Check your connection and try again.',
  'error.not-found': 'The requested content was not found.',
  'error.rate-limited': 'Too many requests. Please try again shortly.',
  'error.request-id': str`Request ID: ${0}`,
  'error.timeout': 'The request timed out. Check your connection and try again.',
  'error.unauthorized': 'Your sign-in has expired. Please sign in again and retry.',
  'error.unexpected-response': 'The service sent a response that could not be read. Please try again later.',
  'error.unavailable': 'The service is temporarily unavailable. Please try again later.',
  'status.empty': 'No data',
  'status.loading': 'Loading…',
  'status.retry': 'Retry',
};

export const templates: LocaleModule['templates'] = {
  ...foundationTemplates,
};
