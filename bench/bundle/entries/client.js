export * from '@citybrain/client';
