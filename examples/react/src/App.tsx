import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApplicationSummary } from '@citybrain/client';
import type { CbDataTable, CbProvider, DataRow, TokenSupplier } from '@citybrain/components';

/**
 * The site's back end holds the City Brain client secret and turns the staff member's session
 * into a 15-minute token (here the sandbox's demo back end). The browser holds no secret; the
 * client asks again before expiry and once after a 401.
 */
const getToken: TokenSupplier = async () => {
  const response = await fetch('/demo-bff/citybrain-token', {
    method: 'POST',
    headers: { 'X-Requested-By': 'town-website' },
    credentials: 'same-origin',
  });
  if (!response.ok) throw new Error(`token service answered ${response.status}`);
  const { token, expiresAt } = (await response.json()) as { token: string; expiresAt: number };
  return { token, expiresAt };
};

/** The table's query from the address bar (`?sort=-investment&filter=stage:eq:demolition`), for deep links. */
const initialSearch = window.location.search.slice(1);

/** Labels of the ledger's 推进阶段 values (its column schema in the data catalogue). */
const STAGES: Record<string, string> = {
  survey: '摸查',
  planning: '方案编制',
  voting: '村民表决',
  transaction: '交易（入市）',
  demolition: '清拆',
  construction: '建设',
  completed: '投产（验收）',
};

export function App() {
  const [locale, setLocale] = useState<'zh-CN' | 'en'>('zh-CN');
  const [elderly, setElderly] = useState(false);
  const [density, setDensity] = useState<'comfortable' | 'compact'>('comfortable');
  const [total, setTotal] = useState<number>();
  const [selected, setSelected] = useState<DataRow>();
  const [checkedCount, setCheckedCount] = useState(0);
  const [search, setSearch] = useState(initialSearch);
  const [recent, setRecent] = useState<ApplicationSummary[]>([]);
  const [applicationInput, setApplicationInput] = useState('');
  const [applicationId, setApplicationId] = useState<string>();
  const [statusLog, setStatusLog] = useState<string[]>([]);
  const [lastError, setLastError] = useState<string>();
  const providerRef = useRef<CbProvider>(null);

  // The table reads a deep-linked query from its `query` attribute. Setting it in the ref callback
  // (during React's commit, before the element's first update) means the first request already
  // carries it. (A `query` prop would be set as the property, which takes an object.)
  const tableRef = useCallback((table: CbDataTable | null) => {
    if (table && initialSearch) table.setAttribute('query', initialSearch);
  }, []);

  // The provider's client serves the page's own calls too: the five latest applications, as shortcuts.
  useEffect(() => {
    const client = providerRef.current?.client;
    if (!client) return;
    const controller = new AbortController();
    client.approvals
      .list({ limit: 5 }, { signal: controller.signal })
      .first()
      .then((page) => setRecent(page.items))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setLastError(String(error));
      });
    return () => controller.abort();
  }, []);

  const openApplication = (event: FormEvent) => {
    event.preventDefault();
    const id = applicationInput.trim();
    if (id) setApplicationId(id);
  };

  return (
    <cb-provider ref={providerRef} base-url="/api/v1" locale={locale} getToken={getToken} elderly={elderly}>
      <header className="bar">
        <h1>桂城街道 · 村改项目工作台</h1>
        <div className="bar__tools">
          <label>
            语言 Language{' '}
            <select value={locale} onChange={(e) => setLocale(e.target.value as 'zh-CN' | 'en')}>
              <option value="zh-CN">中文</option>
              <option value="en">English</option>
            </select>
          </label>
          <label>
            行距{' '}
            <select value={density} onChange={(e) => setDensity(e.target.value as 'comfortable' | 'compact')}>
              <option value="comfortable">标准</option>
              <option value="compact">紧凑</option>
            </select>
          </label>
          <label>
            <input type="checkbox" checked={elderly} onChange={(e) => setElderly(e.target.checked)} /> 适老化
          </label>
        </div>
      </header>

      <main className="layout">
        <section aria-labelledby="ledger-title" className="card card--wide">
          <h2 id="ledger-title">村级工业园改造项目台账</h2>
          <p className="hint">
            点击表头排序（Shift 多列排序），“筛选”按列条件过滤；选中的行在右侧显示详情。
            当前查询可作为链接分享：<code data-testid="query">{search ? `?${search}` : '（默认排序）'}</code>
          </p>
          <cb-data-table
            ref={tableRef}
            datasetId="industrial-park-projects"
            label="桂城街道村级工业园改造项目"
            selection="multiple"
            density={density}
            oncb-data-load={(e) => setTotal(e.detail.total)}
            oncb-row-click={(e) => setSelected(e.detail.row)}
            oncb-selection-change={(e) => setCheckedCount(e.detail.rows.length)}
            oncb-query-change={(e) => {
              setSearch(e.detail.search);
              window.history.replaceState(null, '', e.detail.search ? `?${e.detail.search}` : window.location.pathname);
            }}
            oncb-error={(e) => setLastError(e.detail.message)}
          ></cb-data-table>
          <p className="hint" data-testid="table-summary">
            {total === undefined ? '正在读取台账…' : `共 ${total} 个项目`}，已勾选 {checkedCount} 个
          </p>
        </section>

        <aside className="card" aria-labelledby="detail-title">
          <h2 id="detail-title">项目详情</h2>
          {selected ? (
            <dl className="detail" data-testid="project-detail">
              <dt>项目编号</dt>
              <dd>{String(selected.projectId)}</dd>
              <dt>园区</dt>
              <dd>{String(selected.parkName)}</dd>
              <dt>所属社区</dt>
              <dd>{String(selected.villageName)}</dd>
              <dt>推进阶段</dt>
              <dd>{STAGES[String(selected.stage)] ?? String(selected.stage)}</dd>
              <dt>用地面积</dt>
              <dd>{String(selected.areaMu)} 亩</dd>
              <dt>计划投资</dt>
              <dd>{String(selected.investment)} 万元</dd>
              <dt>是否超期</dt>
              <dd>{selected.overdue ? '是' : '否'}</dd>
            </dl>
          ) : (
            <p className="hint">在台账中点击一行查看详情。</p>
          )}
        </aside>

        <section aria-labelledby="approval-title" className="card card--wide">
          <h2 id="approval-title">宅基地审批办件</h2>
          <form className="lookup" onSubmit={openApplication}>
            <label htmlFor="application-id">受理编号</label>
            <input
              id="application-id"
              value={applicationInput}
              placeholder="ZJD-440605011-2026-000001"
              onChange={(e) => setApplicationInput(e.target.value)}
            />
            <button type="submit">查看进度</button>
          </form>
          {recent.length > 0 && (
            <p className="hint">
              最近受理：
              {recent.map((item) => (
                <button key={item.id} type="button" className="link" onClick={() => setApplicationId(item.id)}>
                  {item.trackingNo}（{item.applicantName}）
                </button>
              ))}
            </p>
          )}
          {applicationId && (
            <cb-approval-status
              key={applicationId}
              application-id={applicationId}
              mode="staff"
              heading-level={3}
              oncb-status-change={(e) =>
                setStatusLog((log) => [`${e.detail.referenceNo}：${e.detail.label}`, ...log].slice(0, 5))
              }
              oncb-error={(e) => setLastError(e.detail.message)}
            ></cb-approval-status>
          )}
          {statusLog.length > 0 && (
            <ul className="hint" aria-label="状态更新">
              {statusLog.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
        </section>
      </main>

      {lastError && (
        <p className="error" role="alert" data-testid="last-error">
          {lastError}
        </p>
      )}
    </cb-provider>
  );
}
