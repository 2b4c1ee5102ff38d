import { css, unsafeCSS, type CSSResult } from 'lit';
import { buttonStyles } from './button.styles.js';

/**
 * Theme tokens.
 *
 * Page authors theme the elements with public `--cb-*` custom properties (set on
 * `:root`, a container, or one element). Inside a shadow root every element reads
 * the private, resolved `--_cb-*` form instead, which is computed on its `:host` as
 *
 *     --_cb-x: var(--cb-x, var(--_cb-mode-x, <default>))
 *
 * so the three sources apply in this order:
 * 1. the page's `--cb-x` always wins (except in forced-colors mode, where the
 *    operating system's palette must win);
 * 2. `--_cb-mode-x` carries a display mode: the `elderly` attribute (适老化: larger
 *    text and targets, stronger contrast) or the user's `prefers-contrast: more`.
 *    `--_cb-mode-*` is never set on a plain `:host`, so it inherits: an `elderly`
 *    `<cb-provider>` switches every element inside it;
 * 3. the built-in default.
 *
 * Sizes marked `scales` are multiplied by `--cb-scale` (1.3 in elderly mode, which
 * brings 14 px body text to the ≈18 px asked for by the MIIT 适老化 web guideline).
 * Sizes are in px, not rem: host pages of town sites often set odd root font sizes.
 */
export interface ThemeToken {
  /** Name without prefix: public `--cb-<name>`, resolved `--_cb-<name>`. */
  name: string;
  /** What the token controls (shown in Storybook's theme table). */
  description: string;
  value: string;
  /** Used by `prefers-contrast: more` and by elderly mode. */
  highContrast?: string;
  /** Used by elderly mode only (after `highContrast`). */
  elderly?: string;
  /** Enforced in `forced-colors: active` (Windows high contrast), overriding the page. */
  forcedColors?: string;
  /** Multiplied by the resolved `--cb-scale`. */
  scales?: boolean;
}

export const themeTokens: readonly ThemeToken[] = [
  { name: 'scale', description: 'Multiplier for font sizes, spacing and target sizes', value: '1', elderly: '1.3' },
  {
    name: 'font-family',
    description: 'Font stack',
    value: "system-ui, -apple-system, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif",
  },
  { name: 'font-size-s', description: 'Secondary text (captions, meta)', value: '12px', scales: true },
  { name: 'font-size-m', description: 'Body text', value: '14px', scales: true },
  { name: 'font-size-l', description: 'Emphasised text, section titles', value: '16px', scales: true },
  { name: 'font-size-xl', description: 'Element titles', value: '20px', scales: true },
  { name: 'line-height', description: 'Body line height', value: '1.5', elderly: '1.6' },
  { name: 'space-xs', description: 'Smallest gap', value: '4px', scales: true },
  { name: 'space-s', description: 'Small gap', value: '8px', scales: true },
  { name: 'space-m', description: 'Default gap and padding', value: '12px', scales: true },
  { name: 'space-l', description: 'Large gap', value: '16px', scales: true },
  { name: 'space-xl', description: 'Section gap', value: '24px', scales: true },
  { name: 'target-size', description: 'Minimum height and width of interactive targets', value: '32px', scales: true },
  { name: 'radius', description: 'Corner radius of controls and panels', value: '4px' },
  {
    name: 'color-primary',
    description: 'Links, primary buttons, selection (≥ 4.5:1 on the surface)',
    value: '#1a5fb4',
    highContrast: '#0b3d91',
    forcedColors: 'LinkText',
  },
  {
    name: 'color-on-primary',
    description: 'Text on the primary colour',
    value: '#ffffff',
    forcedColors: 'Canvas',
  },
  { name: 'color-text', description: 'Body text', value: '#1f2329', highContrast: '#000000', forcedColors: 'CanvasText' },
  {
    name: 'color-text-muted',
    description: 'Secondary text (≥ 4.5:1 on the surface)',
    value: '#4e5969',
    highContrast: '#1f2329',
    forcedColors: 'CanvasText',
  },
  { name: 'color-surface', description: 'Element background', value: '#ffffff', forcedColors: 'Canvas' },
  {
    name: 'color-surface-muted',
    description: 'Headers, stripes, hover background',
    value: '#f2f3f5',
    highContrast: '#ffffff',
    forcedColors: 'Canvas',
  },
  {
    name: 'color-border',
    description: 'Borders of controls (≥ 3:1 on the surface)',
    value: '#86909c',
    highContrast: '#000000',
    forcedColors: 'CanvasText',
  },
  {
    name: 'color-divider',
    description: 'Decorative separators',
    value: '#e5e6eb',
    highContrast: '#4e5969',
    forcedColors: 'CanvasText',
  },
  { name: 'color-success', description: 'Completed, approved', value: '#1d7a3a', highContrast: '#0a5a25', forcedColors: 'CanvasText' },
  { name: 'color-warning', description: 'Due soon, returned', value: '#8f5200', highContrast: '#6b3d00', forcedColors: 'CanvasText' },
  { name: 'color-danger', description: 'Errors, overdue, rejected', value: '#c4262e', highContrast: '#8f0f16', forcedColors: 'CanvasText' },
  {
    name: 'focus-ring-color',
    description: 'Keyboard focus outline colour',
    value: '#1a5fb4',
    highContrast: '#000000',
    forcedColors: 'Highlight',
  },
  { name: 'focus-ring-width', description: 'Keyboard focus outline width', value: '2px', elderly: '3px' },
  { name: 'focus-ring-offset', description: 'Gap between an element and its focus outline', value: '2px' },
  { name: 'transition-duration', description: 'Length of state transitions (0s under reduced motion)', value: '150ms' },
];

function declarations(entries: Iterable<[property: string, value: string]>): CSSResult {
  // Only the constant token table above reaches unsafeCSS; no page data does.
  return unsafeCSS([...entries].map(([property, value]) => `${property}: ${value};`).join('\n'));
}

function resolvedValue(token: ThemeToken): string {
  const chosen = `var(--cb-${token.name}, var(--_cb-mode-${token.name}, ${token.value}))`;
  return token.scales ? `calc(${chosen} * var(--_cb-scale))` : chosen;
}

const resolvedTokens = declarations(themeTokens.map((token) => [`--_cb-${token.name}`, resolvedValue(token)]));

const highContrastModeTokens = declarations(
  themeTokens.flatMap((token) =>
    token.highContrast === undefined ? [] : [[`--_cb-mode-${token.name}`, token.highContrast] as [string, string]],
  ),
);

const elderlyModeTokens = declarations(
  themeTokens.flatMap((token) => {
    const value = token.elderly ?? token.highContrast;
    return value === undefined ? [] : [[`--_cb-mode-${token.name}`, value] as [string, string]];
  }),
);

const forcedColorTokens = declarations(
  themeTokens.flatMap((token) =>
    token.forcedColors === undefined ? [] : [[`--_cb-${token.name}`, token.forcedColors] as [string, string]],
  ),
);

/**
 * The elderly (适老化) display mode for a host with an `elderly` attribute. Part of
 * {@link themeStyles}; `<cb-provider>` uses it alone so the mode inherits to its content.
 */
export const elderlyModeStyles = css`
  :host([elderly]) {
    ${elderlyModeTokens}
  }
`;

/** Resolves every `--cb-*` token into its `--_cb-*` form on `:host`, with all display modes. */
export const themeStyles = css`
  :host {
    ${resolvedTokens}
  }
  ${elderlyModeStyles}
  @media (prefers-contrast: more) {
    :host {
      ${highContrastModeTokens}
    }
  }
  @media (forced-colors: active) {
    :host {
      ${forcedColorTokens}
    }
  }
  @media (prefers-reduced-motion: reduce) {
    :host {
      --_cb-transition-duration: 0s;
    }
  }
`;

/**
 * Keyboard focus indicator. An outline (not a box-shadow) because forced-colors
 * mode removes box-shadows, and `:focus-visible` so mouse users are not distracted.
 */
export const focusRingStyles = css`
  :focus-visible {
    outline: var(--_cb-focus-ring-width) solid var(--_cb-focus-ring-color);
    outline-offset: var(--_cb-focus-ring-offset);
  }
`;

/** Everything a `cb-*` element starts from: tokens, typography, box sizing, focus ring. */
export const baseStyles = css`
  ${themeStyles}
  :host {
    box-sizing: border-box;
    font-family: var(--_cb-font-family);
    font-size: var(--_cb-font-size-m);
    line-height: var(--_cb-line-height);
    color: var(--_cb-color-text);
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  ${focusRingStyles}
  ${buttonStyles}
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
