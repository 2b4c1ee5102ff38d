/**
 * JSX types for the City Brain elements in React 19.
 *
 * React 19 passes a prop to a custom element as a property when the element has one with that
 * name, otherwise as an attribute, and treats `on<event-name>` props as event listeners
 * (`oncb-row-click` listens for `cb-row-click`). So: kebab-case attributes (`base-url`), camelCase
 * properties (`getToken`, `datasetId`), and `oncb-*` events. One trap: `dataset` is the DOM's own
 * `element.dataset` (the data-* map), so React would assign to that read-only property; pass the
 * table's `datasetId` property instead.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { CbApprovalStatus, CbDataTable, CbProvider, TokenSupplier } from '@citybrain/components';

/** `oncb-…` listener props for the given events, typed with their `detail`. */
type CbEvents<Names extends keyof CityBrainEventMap> = {
  [K in Names as `on${K}`]?: (event: CustomEvent<CityBrainEventMap[K]>) => void;
};

type Base<E extends HTMLElement> = DetailedHTMLProps<HTMLAttributes<E>, E> & { class?: string; elderly?: boolean };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'cb-provider': Base<CbProvider> &
        CbEvents<'cb-error'> & {
          'base-url'?: string;
          region?: string;
          locale?: string;
          getToken?: TokenSupplier;
        };
      'cb-data-table': Base<CbDataTable> &
        CbEvents<'cb-row-click' | 'cb-query-change' | 'cb-selection-change' | 'cb-data-load' | 'cb-error'> & {
          datasetId?: string;
          selection?: 'none' | 'single' | 'multiple';
          density?: 'comfortable' | 'compact';
          paging?: 'scroll' | 'pager';
          'page-size'?: number;
          label?: string;
          'export-purpose'?: string;
        };
      'cb-approval-status': Base<CbApprovalStatus> &
        CbEvents<'cb-status-change' | 'cb-lookup' | 'cb-error'> & {
          'application-id'?: string;
          'workorder-id'?: string;
          mode?: 'auto' | 'staff' | 'citizen';
          layout?: 'auto' | 'horizontal' | 'vertical' | 'compact';
          live?: 'auto' | 'poll' | 'off';
          'heading-level'?: number;
        };
    }
  }
}
