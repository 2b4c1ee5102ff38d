/**
 * A React 19 staff workbench of 桂城街道 built on the City Brain elements: the industrial-park
 * projects ledger (<cb-data-table>) and the status of homestead applications (<cb-approval-status>),
 * inside one <cb-provider> that gets short-lived tokens from the site's own back end.
 */
// Registers every cb-* element before React renders, so React 19 sees their properties
// (getToken, datasetId, elderly…) and sets them as properties rather than attributes.
import '@citybrain/components';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
