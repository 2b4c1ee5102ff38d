/**
 * 天地图 basemaps: vector or imagery on the Web Mercator `_w` WMTS services with the site's own
 * key. Loaded only when a map's `basemap` attribute asks for 天地图.
 */
import { msg, str } from '@lit/localize';
import { LABEL_LAYER_FLAG, type Basemap } from './basemaps.js';
import { isTiandituKey, safeHttpUrl } from './config.js';

const TIANDITU_DEFAULT_URL = 'https://t{s}.tianditu.gov.cn';
const TIANDITU_SUBDOMAINS = ['0', '1', '2', '3', '4', '5', '6', '7'];

function tiandituTiles(baseUrl: string, layer: string, key: string | undefined): string[] {
  const query =
    `SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles` +
    `&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}` +
    (key ? `&tk=${encodeURIComponent(key)}` : '');
  const base = baseUrl.replace(/\/+$/, '');
  const hosts = base.includes('{s}') ? TIANDITU_SUBDOMAINS.map((s) => base.replace('{s}', s)) : [base];
  // TILEROW is y and TILECOL is x (some published snippets swap them).
  return hosts.map((host) => `${host}/${layer}_w/wmts?${query}`);
}

/** What is wrong with the page's 天地图 settings (a key, or a proxy that adds it), if anything. */
export function tiandituSettingsProblem(key: string | undefined, proxy: string | undefined): { key: string; message: string } | undefined {
  if (proxy && safeHttpUrl(proxy.replace('{s}', '0')) === undefined) {
    return { key: `tianditu-url:${proxy}`, message: msg(str`tianditu-url 属性无效：“${proxy}”不是 http(s) 地址。`, { id: 'map.config.tianditu-url-invalid' }) };
  }
  if (key ? !isTiandituKey(key) : !proxy) {
    return {
      key: `tianditu-key:${key ?? ''}`,
      message: msg('天地图底图需要本网站申请的密钥（tianditu-key），或通过 tianditu-url 指向自带密钥的代理。', { id: 'map.config.tianditu-key-missing' }),
    };
  }
  return undefined;
}

/**
 * 天地图 on the Web Mercator grid (`vec_w` + `cva_w` notes, or `img_w` + `cia_w`). Its tiles
 * are CGCS2000: overlays need no conversion. `baseUrl` may point at a provincial node
 * (天地图·广东) or a 政务外网 proxy that adds the key itself, in which case `key` may be absent.
 */
export function tiandituBasemap(options: {
  variant: 'vec' | 'img';
  key: string | undefined;
  baseUrl?: string;
  reviewNo?: string;
  attribution: string;
}): Basemap {
  const baseUrl = options.baseUrl ?? TIANDITU_DEFAULT_URL;
  const base = options.variant;
  const notes = options.variant === 'vec' ? 'cva' : 'cia';
  const raster = (layer: string) => ({
    type: 'raster' as const,
    tiles: tiandituTiles(baseUrl, layer, options.key),
    tileSize: 256,
    minzoom: 1,
    maxzoom: 18,
  });
  return {
    style: {
      version: 8,
      name: `天地图 ${base}_w`,
      sources: { [`tianditu-${base}`]: raster(base), [`tianditu-${notes}`]: raster(notes) },
      layers: [
        { id: 'tianditu-background', type: 'background', paint: { 'background-color': base === 'img' ? '#1d2b36' : '#f5f3f0' } },
        { id: `tianditu-${base}`, type: 'raster', source: `tianditu-${base}` },
        { id: `tianditu-${notes}`, type: 'raster', source: `tianditu-${notes}`, metadata: { [LABEL_LAYER_FLAG]: true } },
      ],
    },
    crs: 'wgs84',
    reviewNo: options.reviewNo,
    attribution: options.attribution,
    internet: true,
  };
}
