// Every element, as `import '@citybrain/components'` gives a bundler user (the map engine and
// maplibre-gl stay lazy chunks).
export * from '@citybrain/components';
