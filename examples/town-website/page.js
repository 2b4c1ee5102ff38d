// The town website's own script (a classic script, loaded with `defer` after citybrain.js).
// It only configures the City Brain elements and reacts to their events; it writes text with
// textContent and builds nodes with the DOM API, so it runs under the site's strict CSP and,
// on pages without a map, under Trusted Types.
'use strict';

(function () {
  const CityBrain = window.CityBrain;
  if (!CityBrain) {
    // citybrain.js did not run (blocked, or an integrity mismatch): say so instead of showing empty boxes.
    document.body.classList.add('citybrain-missing');
    const notice = document.createElement('p');
    notice.className = 'notice';
    notice.setAttribute('role', 'alert');
    notice.textContent = '地图和查询组件暂时无法加载，请稍后刷新页面，或拨打咨询电话办理。';
    document.querySelector('main')?.prepend(notice);
    return;
  }

  // The platform is served from this site's own origin (/api/v1), so the page needs no CORS
  // and its CSP keeps connect-src 'self'. Public visitors need no token at all: the map and
  // the citizen lookup read public data.
  CityBrain.configure({ baseUrl: '/api/v1' });

  // ---------------------------------------------------------------- reading aids
  const elderlyButton = document.getElementById('toggle-elderly');
  elderlyButton?.addEventListener('click', () => {
    const on = elderlyButton.getAttribute('aria-pressed') !== 'true';
    elderlyButton.setAttribute('aria-pressed', String(on));
    document.body.classList.toggle('elderly', on);
    // Every cb-* element has the elderly attribute (larger text and targets, stronger contrast).
    for (const element of document.querySelectorAll('cb-map-viewer, cb-data-table, cb-approval-status, cb-application-form')) {
      element.toggleAttribute('elderly', on);
    }
  });

  const localeButton = document.getElementById('toggle-locale');
  localeButton?.addEventListener('click', async () => {
    const english = localeButton.getAttribute('aria-pressed') !== 'true';
    await CityBrain.setLocale(english ? 'en' : 'zh-CN');
    localeButton.setAttribute('aria-pressed', String(english));
    localeButton.textContent = english ? '中文组件' : 'English widgets';
    localeButton.lang = english ? 'zh-CN' : 'en';
  });

  // ---------------------------------------------------------------- map: what was clicked
  /** Creates `<tag class=…>text</tag>`. */
  function node(tag, text, className) {
    const element = document.createElement(tag);
    if (text !== undefined) element.textContent = text;
    if (className) element.className = className;
    return element;
  }

  /** The properties shown for a clicked feature, in this order (zones, parks, villages). */
  const FIELD_LABELS = {
    zoneType: '管控分区',
    legalBasis: '规划依据',
    sourceLayer: '数据来源',
    areaSqm: '面积（㎡）',
    parkName: '园区名称',
    stage: '推进阶段',
    areaMu: '用地面积（亩）',
    name: '名称',
    townName: '所属镇街',
  };
  const ZONE_TYPES = { buildable: '可建区', restricted: '限建区', prohibited: '禁建区' };
  /** 推进阶段 of an industrial-park project (the catalogue's labels). */
  const STAGES = {
    survey: '摸查', planning: '方案编制', voting: '村民表决', transaction: '交易（入市）',
    demolition: '清拆', construction: '建设', completed: '投产（验收）',
  };
  const VALUE_LABELS = { zoneType: ZONE_TYPES, stage: STAGES };

  const selection = document.getElementById('map-selection');
  const zoneMap = document.getElementById('zone-map');
  zoneMap?.addEventListener('cb-feature-click', (event) => {
    // Every layer hit at that point (zone, park, community…), topmost first: a heading and a list each.
    const { features, regionCode } = event.detail;
    const groups = features.map((feature) => {
      const list = node('dl', undefined, 'selection__list');
      for (const [key, label] of Object.entries(FIELD_LABELS)) {
        const value = feature.properties?.[key];
        if (value === undefined || value === null || value === '') continue;
        list.append(node('dt', label), node('dd', String(VALUE_LABELS[key]?.[value] ?? value)));
      }
      return [node('h4', feature.layerTitle, 'selection__layer'), list];
    });
    const code = regionCode ? [node('p', `行政区划代码：${regionCode}`, 'muted')] : [];
    selection.replaceChildren(...groups.flat(), ...code);
  });
  zoneMap?.addEventListener('cb-ready', () => zoneMap.setAttribute('data-ready', ''));

  // The natural-resources bureau's own WMS, when the site is configured with one (`npm start` does
  // so when MapServer is installed): its layer joins the map, in the layer list's group 外部图层.
  // Asked once the map element is defined, which citybrain.js does after the page's first paint: the
  // request then stays out of that paint, as the elements' own do (a request that ends before it
  // counts against Lighthouse's LCP on a slow phone).
  if (zoneMap) {
    customElements
      .whenDefined('cb-map-viewer')
      .then(() => fetch('/demo-bff/gis-server'))
      .then((response) => (response.status === 200 ? response.json() : null))
      .then((server) => {
        if (!server) return;
        const layer = document.createElement('cb-map-layer');
        layer.setAttribute('type', 'wms');
        layer.setAttribute('url', server.wms);
        layer.setAttribute('layers', server.layers);
        layer.setAttribute('title', '自然资源局 管控分区（WMS）');
        layer.setAttribute('opacity', '0.7');
        zoneMap.append(layer);
      })
      .catch(() => {});
  }

  // ---------------------------------------------------------------- staff: short-lived token from our own server
  // The site's back end (here the sandbox's demo BFF) holds the City Brain client secret and turns
  // the staff member's session into a 15-minute token. The browser keeps no secret: only the
  // token, in memory, renewed by the client before it expires (and once after a 401).
  async function fetchStaffToken() {
    const response = await fetch('/demo-bff/citybrain-token', {
      method: 'POST',
      headers: { 'X-Requested-By': 'town-website' },
      credentials: 'same-origin',
    });
    if (!response.ok) throw new Error(`令牌服务返回 ${response.status}`);
    return response.json();
  }

  const loginButton = document.getElementById('staff-login');
  const staffStatus = document.getElementById('staff-status');
  loginButton?.addEventListener('click', async () => {
    loginButton.disabled = true;
    staffStatus.textContent = '正在登录…';
    let grant;
    try {
      grant = await fetchStaffToken();
    } catch (error) {
      staffStatus.textContent = `登录失败：${error.message}。请稍后重试。`;
      loginButton.disabled = false;
      return;
    }
    let first = grant;
    CityBrain.configure({
      // The first call reuses the token fetched for the login; later calls (expiry, 401) ask again.
      getToken: async () => {
        if (first) {
          const grantNow = first;
          first = undefined;
          return grantNow;
        }
        return fetchStaffToken();
      },
    });
    staffStatus.textContent = `已登录：${grant.name}。令牌有效期 15 分钟，到期前自动续期。`;
    loginButton.hidden = true;
    showProjects();
  });

  function showProjects() {
    const template = document.getElementById('projects-template');
    if (!template) return;
    template.replaceWith(template.content.cloneNode(true));
    const table = document.getElementById('projects-table');
    const detail = document.getElementById('project-detail');
    if (document.body.classList.contains('elderly')) table.setAttribute('elderly', '');
    table.addEventListener('cb-row-click', (event) => {
      const { row } = event.detail;
      detail.textContent = `已选择 ${row.projectId}：${row.parkName}（${row.villageName}），用地 ${row.areaMu} 亩，计划投资 ${row.investment} 万元${row.overdue ? '，已超期' : ''}。`;
    });
    table.addEventListener('cb-data-load', (event) => {
      table.setAttribute('data-total', String(event.detail.total));
    });
  }

  // ---------------------------------------------------------------- online application (网上申请)
  // Creating an application takes a token allowed to (the town window's). This demo site's back end
  // issues it, as for staff above; a real site would first sign the villager in with its own account.
  const applicationForm = document.getElementById('homestead-form');
  if (applicationForm) {
    CityBrain.configure({ getToken: fetchStaffToken });
    applicationForm.addEventListener('cb-application-submitted', (event) => {
      // The tracking number may travel in a link; the verification code stays on this screen.
      const link = document.getElementById('progress-link');
      if (link) link.href = `progress.html?trackingNo=${encodeURIComponent(event.detail.trackingNo)}`;
    });
  }

  // The progress page, opened from the confirmation: the lookup form starts with the tracking number.
  const citizenLookup = document.getElementById('citizen-lookup');
  const trackingNo = new URLSearchParams(location.search).get('trackingNo');
  if (citizenLookup && trackingNo) citizenLookup.setAttribute('tracking-number', trackingNo);

  // ---------------------------------------------------------------- errors
  // Elements show their own error states; the page only notes them for its staff (no console noise).
  document.addEventListener('cb-error', (event) => {
    document.body.dataset.lastCityBrainError = event.detail.message;
  });
})();
