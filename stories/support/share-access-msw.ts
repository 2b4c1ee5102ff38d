/**
 * MSW handlers of the share-application operations (openapi/data.yaml) for the `cb-data-table` stories
 * of a 有条件共享 dataset: the caller's latest application in a chosen state, and filing a new one (which
 * the story then shows as pending). Dataset names and owners come from @citybrain/domain.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { datasetCatalogue } from '@citybrain/domain';
import type { ShareApplication } from '@citybrain/client';

export type ApplicationState = 'none' | 'pending' | 'returned' | 'approved';

const APPLICANT = { clientId: 'demo-village-tangbian', name: '狮山镇唐边村委会', role: 'village', regionCode: '440605124201' } as const;
const PURPOSE = '唐边村工业园“亩均效益”评价与村级工业园改造摸底，需核对辖内企业月度用电量。';

function application(datasetId: string, state: Exclude<ApplicationState, 'none'>, request?: { purpose: string; validFrom: string; validTo: string }): ShareApplication {
  const dataset = datasetCatalogue.find((d) => d.id === datasetId)!;
  const requested = { validFrom: request?.validFrom ?? '2026-12-08', validTo: request?.validTo ?? '2027-03-31', columns: null };
  const decided = state === 'pending' ? null : { clientId: 'demo-steward-power', name: '南海供电局数据专员（电力数据共享）' };
  return {
    id: 'SQ-20261207-0001',
    datasetId,
    datasetName: dataset.name,
    ownerDept: dataset.ownerDept,
    applicant: APPLICANT,
    purpose: request?.purpose ?? PURPOSE,
    scenario: request ? null : '村级工业园改造台账',
    requested,
    status: state,
    submittedAt: '2026-12-07T09:12:00+08:00',
    decidedAt: decided ? '2026-12-07T15:40:00+08:00' : null,
    decidedBy: decided,
    comment: state === 'approved' ? '先开放到一月底，到期后可续申。' : null,
    returnReason: state === 'returned' ? '用途未说明需核对的企业范围，请补充园区企业名单后重新申请。' : null,
    // Approved from a later day: the grant is not in force yet, so the table still shows the state.
    grant:
      state === 'approved'
        ? {
            id: 'SG-20261207-0001',
            applicationId: 'SQ-20261207-0001',
            datasetId,
            regionScope: APPLICANT.regionCode,
            columns: null,
            validFrom: '2027-01-04',
            validTo: '2027-01-31',
            expiresAt: '2027-02-01T00:00:00+08:00',
            active: false,
          }
        : null,
    allowedActions: state === 'pending' ? ['withdraw'] : [],
  };
}

/** The caller's applications for `datasetId`: its latest in `state`; a filed form becomes the pending one. */
export function shareApplicationHandlers(datasetId: string, state: ApplicationState): HttpHandler[] {
  let latest: ShareApplication | null = state === 'none' ? null : application(datasetId, state);
  return [
    http.get('*/api/v1/data/share-applications', async () => {
      await delay(150);
      return HttpResponse.json(
        { items: latest ? [latest] : [], page: { limit: 1, nextCursor: null, total: latest ? 1 : 0, totalExact: true } },
        { headers: { 'x-request-id': 'sb-share-list' } },
      );
    }),
    http.post('*/api/v1/data/share-applications', async ({ request }) => {
      await delay(300);
      latest = application(datasetId, 'pending', (await request.json()) as { purpose: string; validFrom: string; validTo: string });
      return HttpResponse.json(latest, { status: 201, headers: { 'x-request-id': 'sb-share-create', location: `/api/v1/data/share-applications/${latest.id}` } });
    }),
  ];
}
