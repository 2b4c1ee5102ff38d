/**
 * Random ids for `X-Request-Id` and `Idempotency-Key`. `crypto.randomUUID` exists only in secure
 * contexts, and town websites on the government extranet are often served over plain http, so the
 * fallback builds the same RFC 9562 version-4 layout from `crypto.getRandomValues`, which works everywhere.
 */
export function randomId(): string {
  const cryptoApi = globalThis.crypto;
  if (typeof cryptoApi?.randomUUID === 'function') return cryptoApi.randomUUID();
  const bytes = cryptoApi.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
