import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { delay, http } from 'msw';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, waitFor } from 'storybook/test';
import type { CbDataTable, DataRow, DataTableColumn } from '@citybrain/components';
import { dataTableHandlers, failingRows } from './support/data-table-msw.js';
import { shareApplicationHandlers, type ApplicationState } from './support/share-access-msw.js';

interface TableArgs {
  dataset?: string;
  selection?: 'none' | 'single' | 'multiple';
  density?: 'comfortable' | 'compact';
  paging?: 'scroll' | 'pager';
  'page-size'?: number;
  query?: string;
  label?: string;
  elderly?: boolean;
}

const meta: Meta<TableArgs> = {
  title: 'Components/cb-data-table',
  component: 'cb-data-table',
  args: { dataset: 'industrial-park-projects', selection: 'multiple', density: 'comfortable', paging: 'scroll', 'page-size': 100 },
  argTypes: {
    selection: { control: 'inline-radio', options: ['none', 'single', 'multiple'] },
    density: { control: 'inline-radio', options: ['comfortable', 'compact'] },
    paging: { control: 'inline-radio', options: ['scroll', 'pager'] },
  },
  parameters: { msw: { handlers: dataTableHandlers('industrial-park-projects', { sample: 459 }) } },
  render: (args) => html`
    <cb-provider base-url="/api/v1" token="storybook-town-token">
      <cb-data-table
        dataset=${ifDefined(args.dataset)}
        selection=${ifDefined(args.selection)}
        density=${ifDefined(args.density)}
        paging=${ifDefined(args.paging)}
        page-size=${ifDefined(args['page-size'])}
        query=${ifDefined(args.query)}
        label=${ifDefined(args.label)}
        ?elderly=${args.elderly}
        export-purpose="Storybook 演示"
        @cb-export=${(e: Event) => e.preventDefault()}
      ></cb-data-table>
    </cb-provider>
  `,
};
export default meta;

type Story = StoryObj<TableArgs>;

function table(canvas: HTMLElement): CbDataTable {
  return canvas.querySelector('cb-data-table')!;
}

function dataRows(canvas: HTMLElement): NodeListOf<Element> {
  return table(canvas).shadowRoot!.querySelectorAll('.block [role="row"]');
}

/** 村级工业园改造项目台账: areas in 亩 and ㎡, money, enums, dates, multiple selection. */
export const Default: Story = {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(dataRows(canvasElement).length).toBeGreaterThan(5));
  },
};

/** 市场主体登记信息 at full size: a million rows, fetched by cursor as you scroll; drag the scrollbar anywhere. */
export const Huge: Story = {
  args: { dataset: 'market-enterprises', 'page-size': 200, density: 'compact' },
  parameters: { msw: { handlers: dataTableHandlers('market-enterprises', { size: 'full' }) } },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(table(canvasElement).shadowRoot!.querySelector('[role="grid"]')!.getAttribute('aria-rowcount')).toBe('1000001'));
  },
};

/** Filters generated from the schema (text, money range, date range, enum choices, region picker), debounced. */
export const Filters: Story = {
  args: {
    dataset: 'market-enterprises',
    query: 'filter=status:in:1&filter=registeredCapital:gte:500&filter=regionCode:prefix:440605124',
  },
  parameters: { msw: { handlers: dataTableHandlers('market-enterprises', { sample: 5000 }) } },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(dataRows(canvasElement).length).toBeGreaterThan(0));
    const button = [...table(canvasElement).shadowRoot!.querySelectorAll<HTMLButtonElement>('.bar button')].find((b) => b.textContent!.includes('筛选') || b.textContent!.includes('Filters'));
    button?.click();
  },
};

/** Server-side multi-sort: capital descending, then date (shift-click a header to add a key). */
export const Sorted: Story = {
  args: { dataset: 'market-enterprises', query: 'sort=-registeredCapital,establishedDate' },
  parameters: { msw: { handlers: dataTableHandlers('market-enterprises', { sample: 5000 }) } },
};

/** No row matches: the empty state, with a button to clear the filters. */
export const Empty: Story = {
  args: { dataset: 'market-enterprises', query: 'filter=companyName:like:不存在的企业名称' },
  parameters: { msw: { handlers: dataTableHandlers('market-enterprises', { sample: 2000 }) } },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(table(canvasElement).shadowRoot!.querySelector('[part="empty"]')).not.toBeNull());
  },
};

/** The loading skeleton (the server takes 3 s to answer). */
export const Loading: Story = {
  parameters: { msw: { handlers: dataTableHandlers('industrial-park-projects', { sample: 459, latency: 3000 }) } },
};

/** A 503 with RFC 9457 details: the message, the server's detail, the request id and a retry button. */
export const ErrorWithRetry: Story = {
  parameters: { msw: { handlers: failingRows('industrial-park-projects', 503, '数据平台正在维护，预计 10 分钟后恢复。') } },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(table(canvasElement).shadowRoot!.querySelector('[part="error"]')).not.toBeNull(), { timeout: 15000 });
  },
};

/** A 不予共享 dataset: the catalogue says why, and no row is requested. */
export const PermissionDenied: Story = {
  args: { dataset: 'social-assistance' },
  parameters: {
    msw: {
      handlers: dataTableHandlers('social-assistance', { sample: 10, access: { read: false, export: false, reason: '不予共享：仅提供目录信息' } }),
    },
  },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(table(canvasElement).shadowRoot!.querySelector('[part="denied"]')).not.toBeNull());
  },
};

/** A 有条件共享 dataset a village may not read yet but may apply for, with its latest application in `state`. */
function applyingFor(state: ApplicationState): Story {
  const dataset = 'enterprise-electricity';
  return {
    args: { dataset },
    parameters: {
      msw: {
        handlers: [
          ...shareApplicationHandlers(dataset, state),
          ...dataTableHandlers(dataset, {
            sample: 10,
            access: { read: false, export: false, reason: '有条件共享：须向广东电网有限责任公司佛山南海供电局申请并获批准', canApply: true },
          }),
        ],
      },
    },
  };
}

const sharePart = (canvas: HTMLElement) => table(canvas).shadowRoot!.querySelector('[part~="share"]');

/** No application yet: “申请使用” opens a small form for the purpose and the period. */
export const AccessApplicationForm: Story = {
  ...applyingFor('none'),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(table(canvasElement).shadowRoot!.querySelector('.share-open')).not.toBeNull());
    table(canvasElement).shadowRoot!.querySelector<HTMLButtonElement>('.share-open')!.click();
    await waitFor(() => expect(table(canvasElement).shadowRoot!.querySelector('[part~="share-form"]')).not.toBeNull());
  },
};

/** The application was filed and waits for the owning department's data steward. */
export const AccessApplicationPending: Story = {
  ...applyingFor('pending'),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(sharePart(canvasElement)?.textContent).toMatch(/待.+审核|awaiting review/));
  },
};

/** The steward returned it with a reason; the village may apply again. */
export const AccessApplicationReturned: Story = {
  ...applyingFor('returned'),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(sharePart(canvasElement)?.textContent).toMatch(/退回理由|Reason/));
  },
};

/** Approved for a period that has not begun yet: the table says from when until when. */
export const AccessApplicationApproved: Story = {
  ...applyingFor('approved'),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(sharePart(canvasElement)?.textContent).toMatch(/已批准|approved/));
  },
};

/** 人口基础信息 as a town sees it: ID numbers and phones masked (with the lock), not sortable or filterable. */
export const MaskedColumns: Story = {
  args: { dataset: 'population-residents' },
  parameters: { msw: { handlers: dataTableHandlers('population-residents', { sample: 2000 }) } },
};

/** The same as the public would see it: names and addresses masked too. */
export const MaskedForThePublic: Story = {
  args: { dataset: 'population-residents' },
  parameters: { msw: { handlers: dataTableHandlers('population-residents', { sample: 2000, role: 'public' }) } },
};

/** English labels, enum labels and formats (the locale is page-wide). */
export const English: Story = {
  args: { dataset: 'market-enterprises' },
  globals: { locale: 'en' },
  parameters: { msw: { handlers: dataTableHandlers('market-enterprises', { sample: 2000 }) } },
};

/** 适老化: larger text and rows, stronger contrast. */
export const ElderlyMode: Story = {
  args: { elderly: true, density: 'comfortable' },
};

/** Page by page with buttons instead of endless scrolling. */
export const Pager: Story = {
  args: { paging: 'pager', 'page-size': 20 },
};

export const Compact: Story = {
  args: { density: 'compact' },
};

/** A network failure on the rows (the schema loads). */
export const NetworkError: Story = {
  parameters: {
    msw: {
      handlers: [
        ...dataTableHandlers('industrial-park-projects', { sample: 20 }).slice(0, 1),
        http.get('*/api/v1/data/datasets/industrial-park-projects/rows', async () => {
          await delay(200);
          return Response.error();
        }),
      ],
    },
  },
};

const plainColumns: DataTableColumn[] = [
  { name: 'id', label: { zh: '序号', en: 'No.' }, type: 'integer', width: 90 },
  { name: 'town', label: { zh: '镇街', en: 'Town' }, width: 110 },
  { name: 'orders', label: { zh: '工单数', en: 'Work orders' }, type: 'integer' },
  { name: 'overdueRate', label: { zh: '超期率', en: 'Overdue rate' }, type: 'percent', precision: 1 },
  { name: 'satisfied', label: { zh: '回访满意', en: 'Satisfied' }, type: 'boolean' },
  { name: 'updated', label: { zh: '更新时间', en: 'Updated' }, type: 'datetime', width: 180 },
];
const townNames = ['桂城街道', '九江镇', '西樵镇', '丹灶镇', '狮山镇', '大沥镇', '里水镇'];
const plainRows: DataRow[] = Array.from({ length: 100_000 }, (_, i) => ({
  id: i + 1,
  town: townNames[i % 7],
  orders: (i * 7919) % 500,
  overdueRate: ((i * 31) % 1000) / 10,
  satisfied: i % 3 !== 0,
  updated: new Date(Date.UTC(2026, 5, 1) + i * 60_000).toISOString(),
}));

/** Plain mode: local arrays through `.columns` and `.rows` (100,000 rows), sorted and filtered in the browser. */
export const PlainArrays: Story = {
  render: () => html`<cb-data-table label="镇街工单统计（本地数据）" selection="single" .columns=${plainColumns} .rows=${plainRows}></cb-data-table>`,
};
