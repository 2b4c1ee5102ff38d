// The same town page as examples/town-website, written as an ES module against the npm API of
// @citybrain/components (resolved by the page's import map to /dist/citybrain.mjs). Instead of
// the CityBrain global it configures the <cb-provider> around the page. It writes text with
// textContent only, so it runs under the site's strict CSP.
import { setLocale } from '@citybrain/components';

/** @type {import('@citybrain/components').CbProvider} */
const provider = document.getElementById('site');

// ------------------------------------------------------------------ reading aids
const elderlyButton = document.getElementById('toggle-elderly');
elderlyButton.addEventListener('click', () => {
  const on = elderlyButton.getAttribute('aria-pressed') !== 'true';
  elderlyButton.setAttribute('aria-pressed', String(on));
  document.body.classList.toggle('elderly', on);
  // An elderly provider switches every element inside it.
  provider.elderly = on;
});

const localeButton = document.getElementById('toggle-locale');
localeButton.addEventListener('click', async () => {
  const english = localeButton.getAttribute('aria-pressed') !== 'true';
  await setLocale(english ? 'en' : 'zh-CN');
  localeButton.setAttribute('aria-pressed', String(english));
  localeButton.textContent = english ? '中文组件' : 'English widgets';
  localeButton.lang = english ? 'zh-CN' : 'en';
});

// ------------------------------------------------------------------ map: what was clicked
const ZONE_TYPES = { buildable: '可建区', restricted: '限建区', prohibited: '禁建区' };
/** 推进阶段 of an industrial-park project (the catalogue's labels). */
const STAGES = {
  survey: '摸查', planning: '方案编制', voting: '村民表决', transaction: '交易（入市）',
  demolition: '清拆', construction: '建设', completed: '投产（验收）',
};
const VALUE_LABELS = { zoneType: ZONE_TYPES, stage: STAGES };
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

function node(tag, text, className) {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  if (className) element.className = className;
  return element;
}

const zoneMap = document.getElementById('zone-map');
const selection = document.getElementById('map-selection');
zoneMap.addEventListener('cb-feature-click', (event) => {
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
zoneMap.addEventListener('cb-ready', () => zoneMap.setAttribute('data-ready', ''));

// ------------------------------------------------------------------ staff: short-lived token from our own server
// The site's back end keeps the client secret and hands the signed-in staff member a 15-minute
// token; the provider's client asks again before it expires and once after a 401.
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
loginButton.addEventListener('click', async () => {
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
  provider.getToken = async () => {
    if (first) {
      const grantNow = first;
      first = undefined;
      return grantNow;
    }
    return fetchStaffToken();
  };
  staffStatus.textContent = `已登录：${grant.name}。令牌有效期 15 分钟，到期前自动续期。`;
  loginButton.hidden = true;

  const template = document.getElementById('projects-template');
  template.replaceWith(template.content.cloneNode(true));
  const table = document.getElementById('projects-table');
  const detail = document.getElementById('project-detail');
  table.addEventListener('cb-row-click', (event) => {
    const { row } = event.detail;
    detail.textContent = `已选择 ${row.projectId}：${row.parkName}（${row.villageName}），用地 ${row.areaMu} 亩，计划投资 ${row.investment} 万元${row.overdue ? '，已超期' : ''}。`;
  });
  table.addEventListener('cb-data-load', (event) => table.setAttribute('data-total', String(event.detail.total)));
});

document.addEventListener('cb-error', (event) => {
  document.body.dataset.lastCityBrainError = event.detail.message;
});
