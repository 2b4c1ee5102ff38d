import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/web-components-vite';

const fromRoot = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.ts'],
  // msw-storybook-addon 3 works through the loader in preview.ts; listing it here adds its panel.
  addons: ['msw-storybook-addon'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  // public/ holds mockServiceWorker.js (`npx msw init ./public`).
  staticDirs: ['../public'],
  // Telemetry would make `storybook build` wait on an unreachable network.
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  async viteFinal(viteConfig) {
    const { mergeConfig } = await import('vite');
    return mergeConfig(viteConfig, {
      // @storybook/web-components imports lit/directive-helpers.js; unless it is
      // pre-bundled with lit, the page gets a second lit-html ("Multiple versions of Lit").
      optimizeDeps: { include: ['lit', 'lit/directive-helpers.js'] },
      resolve: {
        // Stories run on the workspace sources, so no package build is needed first.
        // (the subpath first: an alias also matches the imports below its name)
        alias: {
          '@citybrain/client/validators': fromRoot('packages/client/src/validators.ts'),
          '@citybrain/client': fromRoot('packages/client/src/index.ts'),
          '@citybrain/components': fromRoot('packages/components/src/index.ts'),
          '@citybrain/domain': fromRoot('packages/domain/src/index.ts'),
          '@citybrain/validators': fromRoot('packages/validators/src/index.ts'),
        },
      },
    });
  },
};

export default config;
