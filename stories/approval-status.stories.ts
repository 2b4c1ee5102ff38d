import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, waitFor } from 'storybook/test';
import type { ProcessTimeline } from '@citybrain/client';
import type { CbApprovalStatus } from '@citybrain/components';
import {
  homesteadTimelines,
  liveUpdateStory,
  publicView,
  withHostileStrings,
  workOrderTimelines,
  type HomesteadStoryKey,
} from './support/approval-status-data.js';
import { loadingHandlers, lookupHandlers, timelineHandlers, unavailableHandlers } from './support/approval-status-msw.js';

interface Args {
  'application-id'?: string;
  'workorder-id'?: string;
  mode?: string;
  layout?: string;
  live?: string;
  'heading-level'?: number;
  'tracking-number'?: string;
  elderly?: boolean;
}

const render = (args: Args) => html`
  <cb-approval-status
    base-url="/api/v1"
    application-id=${ifDefined(args['application-id'])}
    workorder-id=${ifDefined(args['workorder-id'])}
    mode=${ifDefined(args.mode)}
    layout=${ifDefined(args.layout)}
    live=${ifDefined(args.live)}
    heading-level=${ifDefined(args['heading-level'])}
    tracking-number=${ifDefined(args['tracking-number'])}
    ?elderly=${args.elderly ?? false}
  ></cb-approval-status>
`;

const meta: Meta<Args> = {
  title: 'Components/cb-approval-status',
  component: 'cb-approval-status',
  render,
  args: { layout: 'auto', live: 'auto' },
  argTypes: {
    layout: { control: 'select', options: ['auto', 'horizontal', 'vertical', 'compact'] },
    live: { control: 'select', options: ['auto', 'poll', 'off'] },
    mode: { control: 'select', options: ['auto', 'staff', 'citizen'] },
  },
  parameters: {
    docs: {
      description: {
        component:
          'Where a homestead (宅基地) application or a 12345 work order stands, live. Staff pages give an id; without one the element is the citizens’ lookup form. Every story runs on timelines produced by the real process definitions of @citybrain/domain, served through MSW.',
      },
    },
  },
};
export default meta;

type Story = StoryObj<Args>;

function element(canvas: HTMLElement): CbApprovalStatus {
  return canvas.querySelector('cb-approval-status')!;
}

async function shown(canvas: HTMLElement, selector = '[part~="base"]'): Promise<ShadowRoot> {
  const root = element(canvas).shadowRoot!;
  await waitFor(() => expect(root.querySelector(selector)).not.toBeNull(), { timeout: 5000 });
  return root;
}

/** A staff story showing one timeline (served at its id). */
function staff(timeline: ProcessTimeline, extra: Story = {}): Story {
  const id = timeline.kind === 'workorder' ? { 'workorder-id': timeline.id } : { 'application-id': timeline.id };
  return {
    ...extra,
    args: { ...id, ...extra.args },
    parameters: { msw: timelineHandlers([timeline]), ...extra.parameters },
    play:
      extra.play ??
      (async ({ canvasElement }) => {
        const root = await shown(canvasElement, '[part~="badge"]');
        await expect(root.querySelector('[part~="badge"]')!.textContent!.trim()).toBe(timeline.label.zh || timeline.label.en);
      }),
  };
}

const timelines = Object.fromEntries(
  Object.entries(homesteadTimelines).map(([key, make]) => [key, make()]),
) as Record<HomesteadStoryKey, ProcessTimeline>;
const workOrders = { processing: workOrderTimelines.processing(), closed: workOrderTimelines.closed() };

// ----------------------------------------------------------------------------- every stage

/** 农户申请: a draft not yet submitted; the clock has not started. */
export const Draft = staff(timelines.draft);
/** 村民小组讨论及公示: submitted, waiting for the group's meeting. */
export const Submitted = staff(timelines.submitted);
/** 公示中: the notice runs five working days in the village. */
export const GroupNotice = staff(timelines.groupReview);
/** 村级审查: the village committee checks the documents and the plan. */
export const VillageReview = staff(timelines.villageReview);
/** 镇街受理: at the town window. */
export const TownAcceptance = staff(timelines.townAccepted);
/** 部门联审: parallel reviews; agriculture has agreed, the others are still working. */
export const JointReview = staff(timelines.jointReview, { args: { layout: 'horizontal' } });
/** 镇街审批: every department agreed; the town decides. */
export const TownDecision = staff(timelines.townDecision);
/** 已批准: 批准书 issued; the applicant must book the stake-out. */
export const Approved = staff(timelines.approved);
/** 施工中 after 丈量批放. */
export const UnderConstruction = staff(timelines.underConstruction);
/** 竣工验收: the departments check area and boundaries. */
export const CompletionAcceptance = staff(timelines.acceptanceReview);
/** 已办理不动产登记: complete, with 批准书号, 规划许可证号 and 不动产权证书号. */
export const Registered = staff(timelines.registered, {
  play: async ({ canvasElement }) => {
    const root = await shown(canvasElement, '[part~="completion"]');
    await expect(root.querySelector('[part~="completion"]')!.textContent).toMatch(/宅批〔2026〕/);
    await expect(root.querySelector('[part~="position"]')!.textContent).toMatch(/已完成全部 10 步|All 10 steps/);
  },
});

// ----------------------------------------------------------------------------- side states and problems

/** 退回补正: natural resources returned it; the applicant must supplement two documents by a deadline. */
export const ReturnedForSupplements = staff(timelines.returned, {
  play: async ({ canvasElement }) => {
    const root = await shown(canvasElement, '[part~="notice-returned"]');
    await expect(root.querySelectorAll('[part~="materials"] li')).toHaveLength(2);
  },
});
/** Returned, and the applicant let the supplement deadline pass. */
export const ReturnDeadlinePassed = staff(timelines.returnedOverdue);
/** 不予批准 with the reason code and the reason. */
export const Rejected = staff(timelines.rejected);
/** 已撤回 by the applicant before the village review ended. */
export const Withdrawn = staff(timelines.withdrawn);
/** 已中止: an objection during the public notice; the clock stands still. */
export const Suspended = staff(timelines.suspended);
/** The joint review ran past its 15 working days: overdue flag, days overdue. */
export const Overdue = staff(timelines.overdue, {
  play: async ({ canvasElement }) => {
    const root = await shown(canvasElement, '[part~="badge-overdue"]');
    await expect(root.querySelector('[part~="deadline-stage"]')!.textContent).toMatch(/已超期|overdue/);
  },
});
/**
 * Submitted in late November: the 35-working-day limit ends in January 2027, a year whose holiday
 * schedule the platform has not loaded, so the date is an estimate (预计) counted Monday to Friday.
 */
export const ProvisionalDeadline = staff(timelines.submitted, {
  play: async ({ canvasElement }) => {
    const root = await shown(canvasElement, '[part~="deadline-total"] [part~="estimate"]');
    await expect(root.querySelector('[part~="deadline-total"]')!.textContent).toMatch(/预计|estimated/);
  },
});
/** Parallel reviews in three states: agriculture disagrees, housing agrees, natural resources is reviewing. */
export const MixedParallelReviews = staff(timelines.mixedReviews, {
  play: async ({ canvasElement }) => {
    // layout="auto": the current stage's reviews sit in its step when vertical, under the stepper when horizontal (640px and wider).
    const current = '[aria-current="step"] [part~="substeps"], [part~="current-stage"] [part~="substeps"]';
    const root = await shown(canvasElement, current);
    const states = [...root.querySelector(current)!.querySelectorAll('[part~="substep"]')].map((li) => li.className);
    await expect(states.join(' ')).toMatch(/substep--rejected.*substep--active.*substep--done|substep--rejected/);
  },
});

// ----------------------------------------------------------------------------- work orders

/** A 12345 complaint being handled, reminded and supervised: the same element, the work-order process. */
export const WorkOrder = staff(workOrders.processing);
/** A closed work order with its result and the callback's satisfaction. */
export const WorkOrderClosed = staff(workOrders.closed);

// ----------------------------------------------------------------------------- layouts

export const HorizontalStepper = staff(timelines.mixedReviews, { args: { layout: 'horizontal' } });
export const VerticalTimeline = staff(timelines.mixedReviews, { args: { layout: 'vertical' } });
export const CompactBadge = staff(timelines.overdue, { args: { layout: 'compact' } });

/** `layout="auto"` follows the width of its container (ResizeObserver): badge, vertical, horizontal. */
export const AutoLayoutByWidth: Story = {
  parameters: { msw: timelineHandlers([timelines.jointReview]) },
  render: () => html`
    <div class="approval-widths">
      ${[260, 480, 900].map(
        (width) => html`<section>
          <p>${width}px</p>
          <div class="approval-width approval-width--${width}">
            <cb-approval-status base-url="/api/v1" application-id=${timelines.jointReview.id}></cb-approval-status>
          </div>
        </section>`,
      )}
    </div>
    <style>
      .approval-widths { display: grid; gap: 16px; }
      .approval-width { resize: horizontal; overflow: auto; border: 1px dashed #86909c; padding: 8px; }
      .approval-width--260 { width: 260px; }
      .approval-width--480 { width: 480px; }
      .approval-width--900 { width: 900px; max-width: 100%; }
    </style>
  `,
};

/** A status board of every homestead stage as compact badges. */
export const AllStagesAsBadges: Story = {
  parameters: { msw: timelineHandlers(Object.values(timelines)) },
  render: () => html`<ul class="approval-board">
    ${Object.values(timelines).map(
      (t) => html`<li><cb-approval-status base-url="/api/v1" application-id=${t.id} layout="compact" live="off"></cb-approval-status></li>`,
    )}
    <style>
      .approval-board { display: grid; gap: 8px; margin: 0; padding: 0; list-style: none; }
    </style>
  </ul>`,
};

// ----------------------------------------------------------------------------- live

const live = liveUpdateStory();
let liveState = live.before;

/**
 * The event stream pushes the village committee's approval three seconds in: the view updates, the
 * change is announced in the polite live region and `cb-status-change` fires.
 */
export const LiveUpdate: Story = {
  args: { 'application-id': live.before.id, layout: 'vertical' },
  parameters: {
    msw: timelineHandlers(() => [liveState], [{ after: 3000, data: live.event, before: () => (liveState = live.after) }]),
  },
  beforeEach: () => {
    liveState = live.before;
  },
  play: async ({ canvasElement }) => {
    const root = await shown(canvasElement);
    await waitFor(() => expect(root.querySelector('[part~="badge"]')!.textContent!.trim()).toBe(live.after.label.zh), { timeout: 8000 });
    await waitFor(() => expect(root.querySelector('[part~="announcer"]')!.textContent).toMatch(/待镇街受理|At the town window/));
  },
};

// ----------------------------------------------------------------------------- citizens

const citizenTimeline = publicView(timelines.returned);
const CODE = '618204';

async function lookUp(canvas: HTMLElement, trackingNo: string, code: string): Promise<ShadowRoot> {
  const root = element(canvas).shadowRoot!;
  await waitFor(() => expect(root.querySelector('#tracking-no')).not.toBeNull());
  root.querySelector<HTMLInputElement>('#tracking-no')!.value = trackingNo;
  root.querySelector<HTMLInputElement>('#verification-code')!.value = code;
  root.querySelector<HTMLButtonElement>('[part~="lookup-button"]')!.click();
  return root;
}

/** The citizens' lookup form (办件进度查询) on a town website: no token, no id; the town's phone in the `help` slot. */
export const CitizenLookupForm: Story = {
  parameters: { msw: lookupHandlers(citizenTimeline, CODE) },
  render: () => html`<cb-approval-status base-url="/api/v1">
    <span slot="help">咨询电话：0757-86881234（狮山镇便民服务中心，工作日 9:00–17:30）</span>
  </cb-approval-status>`,
};

/** The right tracking number and code: masked data only (陈**, no ID, no phone, no officials’ names). */
export const CitizenLookupFound: Story = {
  args: { layout: 'vertical' },
  parameters: { msw: lookupHandlers(citizenTimeline, CODE) },
  play: async ({ canvasElement }) => {
    const root = await lookUp(canvasElement, citizenTimeline.referenceNo, CODE);
    await shown(canvasElement);
    const text = root.querySelector('[part~="base"]')!.textContent!;
    await expect(text).toContain('陈**');
    await expect(text).not.toContain('陈志强');
    await expect(text).not.toMatch(/\d{6}\*+\d{4}|1\d{2}\*{4}\d{4}/);
  },
};

/** A wrong code: a friendly "not found" that does not say which of the two was wrong. */
export const CitizenLookupWrongCode: Story = {
  parameters: { msw: lookupHandlers(citizenTimeline, CODE) },
  play: async ({ canvasElement }) => {
    await lookUp(canvasElement, citizenTimeline.referenceNo, '000000');
    await shown(canvasElement, '[part~="not-found"]');
  },
};

/** Too many wrong codes: the server answers 429 and the form says how long to wait. */
export const CitizenLookupRateLimited: Story = {
  parameters: { msw: lookupHandlers(citizenTimeline, CODE, 0) },
  play: async ({ canvasElement }) => {
    await lookUp(canvasElement, citizenTimeline.referenceNo, '123456');
    await shown(canvasElement, '#lookup-locked');
  },
};

/** A link from the acceptance SMS fills the form and looks up at once. */
export const CitizenLinkFromSms: Story = {
  parameters: { msw: lookupHandlers(citizenTimeline, CODE) },
  render: () => html`<cb-approval-status
    base-url="/api/v1"
    tracking-number=${citizenTimeline.referenceNo}
    verification-code=${CODE}
  ></cb-approval-status>`,
};

// ----------------------------------------------------------------------------- locale, modes, themes

/** English: the element's words from its catalogue, the platform's labels from the API's `en`. */
export const English: Story = {
  ...staff(timelines.mixedReviews, { args: { layout: 'horizontal' } }),
  globals: { locale: 'en' },
  play: async ({ canvasElement }) => {
    const root = await shown(canvasElement, '[part~="position"]');
    await waitFor(() => expect(root.querySelector('[part~="position"]')!.textContent).toMatch(/Step 5 of 10/));
  },
};

/** 适老化: larger text and targets, stronger contrast. */
export const ElderlyMode: Story = { ...staff(timelines.returned), globals: { elderly: 'on' } };

/** Dark page theme through `--cb-*` tokens only. */
export const DarkTheme: Story = { ...staff(timelines.overdue, { args: { layout: 'horizontal' } }), globals: { theme: 'dark' } };

/** `::part` styling from the host page. */
export const StyledWithParts: Story = {
  ...staff(timelines.jointReview, { args: { layout: 'horizontal' } }),
  decorators: [
    (story) => html`${story()}
      <style>
        cb-approval-status::part(base) { border-width: 2px; border-color: #a61b1b; }
        cb-approval-status::part(title) { color: #a61b1b; }
        cb-approval-status::part(step-current) { background: #fff4f0; border-radius: 8px; }
      </style>`,
  ],
};

// ----------------------------------------------------------------------------- loading and errors

export const Loading: Story = {
  args: { 'application-id': 'ZJD-440605124-2026-000123' },
  parameters: { msw: loadingHandlers },
};

/** The platform is down (503 after the client's retries): the server's explanation, the request id, retry. */
export const ServiceUnavailable: Story = {
  args: { 'application-id': 'ZJD-440605124-2026-000123' },
  parameters: { msw: unavailableHandlers },
  play: async ({ canvasElement }) => {
    await shown(canvasElement, '[part~="retry-button"]');
  },
};

/** An id the platform does not know. */
export const NotFound: Story = {
  args: { 'application-id': 'ZJD-440605124-2026-999999' },
  parameters: { msw: timelineHandlers([]) },
};

/** A mistyped attribute never throws: one console warning and a clear message in place. */
export const InvalidAttribute: Story = {
  args: { 'application-id': 'ZJD 440605124/2026' },
  play: async ({ canvasElement }) => {
    await shown(canvasElement, '[part~="error"]');
  },
};

/** Hostile strings in remarks and descriptions are shown as text; nothing runs. */
export const HostileStrings: Story = staff(withHostileStrings(timelines.townDecision), {
  play: async ({ canvasElement }) => {
    const root = await shown(canvasElement, '[part~="event-remark"]');
    await expect(root.querySelector('img')).toBeNull();
    await expect(root.querySelector('[part~="description"]')!.textContent).toContain('<img src=x');
  },
});

/** Rich data from the page itself (`timeline` property), no network. */
export const TimelineProperty: Story = {
  render: () => html`<cb-approval-status layout="vertical" .timeline=${workOrders.closed}></cb-approval-status>`,
};
