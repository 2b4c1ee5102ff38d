import { noChange } from 'lit';
import { Directive, directive, PartType, type AttributePart, type PartInfo } from 'lit/directive.js';

export type StyleProperties = Readonly<Record<string, string | undefined>>;

function cssName(name: string): string {
  return name.startsWith('--') ? name : name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Like Lit's `styleMap`, but it writes through the CSSOM (`style.setProperty`) from the very first
 * render. `styleMap` renders its first value as a `style="…"` attribute string, which a strict
 * `style-src 'self'` Content-Security-Policy blocks; CSSOM writes are not covered by that directive.
 *
 * Use in the `style` attribute position: `<div style=${styleProperties({ blockSize: '40px' })}>`.
 */
class StylePropertiesDirective extends Directive {
  private applied = new Set<string>();

  constructor(partInfo: PartInfo) {
    super(partInfo);
    if (partInfo.type !== PartType.ATTRIBUTE || partInfo.name !== 'style') {
      throw new Error('styleProperties() belongs in the style attribute');
    }
  }

  render(_properties: StyleProperties) {
    return noChange;
  }

  override update(part: AttributePart, [properties]: [StyleProperties]) {
    const style = (part.element as HTMLElement).style;
    const next = new Set<string>();
    for (const [name, value] of Object.entries(properties)) {
      if (value === undefined || value === null) continue;
      const property = cssName(name);
      next.add(property);
      style.setProperty(property, value);
    }
    for (const property of this.applied) if (!next.has(property)) style.removeProperty(property);
    this.applied = next;
    return noChange;
  }
}

export const styleProperties = directive(StylePropertiesDirective);
