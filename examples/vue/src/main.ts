/**
 * A Vue 3 page of 桂城街道 on the City Brain elements: the industrial-park projects ledger
 * (<cb-data-table>) whose query is bound both ways to a text field, and the citizen progress
 * lookup (<cb-approval-status>), inside one <cb-provider> that gets short-lived tokens from the
 * site's own back end.
 *
 * The elements register before Vue mounts, so Vue sees their properties. The compiler is told
 * that cb-* tags are custom elements (scripts/build-examples.mjs: `isCustomElement`).
 */
import '@citybrain/components';
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
