#!/usr/bin/env node
/**
 * VS Code HTML custom data from the custom elements manifest, so editors complete `<cb-*>` tags,
 * their attributes and attribute values, and show their documentation on hover.
 *
 *   node scripts/vscode-data.mjs [manifest] [output]
 *
 * Defaults: packages/components/custom-elements.json → packages/components/vscode.html-custom-data.json.
 * `npm run manifest -w @citybrain/components` runs it right after the analyzer, so both files are
 * regenerated together (both are build output and gitignored). A site points VS Code at it with
 * `"html.customData": ["./node_modules/@citybrain/components/vscode.html-custom-data.json"]`.
 *
 * Attribute values come from string-literal union types (`'none' | 'single' | 'multiple'`) and,
 * for attributes typed as plain `string` whose documentation enumerates its keywords
 * ("`staff` …, `citizen` …, or `auto` (default)"), from those keywords; boolean attributes use
 * VS Code's built-in "v" (valueless) set.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const componentsDir = fileURLToPath(new URL('../packages/components/', import.meta.url));

/** `'a' | "b"` → ['a', 'b']; undefined unless every member is a string literal. */
function literalUnion(typeText) {
  const members = String(typeText ?? '')
    .split('|')
    .map((member) => member.trim())
    .filter((member) => member !== 'undefined' && member !== 'null');
  if (members.length === 0) return undefined;
  const values = members.map((member) => /^'([^']*)'$|^"([^"]*)"$/.exec(member)).map((match) => match && (match[1] ?? match[2]));
  return values.every((value) => typeof value === 'string') ? values : undefined;
}

/**
 * Keywords a plain-string attribute's documentation enumerates, such as "`staff` (…), `citizen`
 * (…), or `auto` (default)": `code` words in list position (after the start, a colon, a comma, "or"
 * or a parenthesis, and before — perhaps after one word, as in "`vertical` timeline," — a comma, "or",
 * a parenthesis or the end of a clause). Needs two.
 */
function documentedKeywords(description) {
  if (!description) return undefined;
  const listed = /(?:^|[:,(]\s*|\bor\s+)`([A-Za-z][A-Za-z0-9-]*)`(?=(?:\s+[^\s,`]+)?\s*(?:\(|,|;|\.|\)|\bor\b|$))/g;
  const unique = [...new Set([...description.matchAll(listed)].map((match) => match[1]))];
  return unique.length >= 2 ? unique : undefined;
}

function valuesOf(attribute) {
  const typeText = attribute.type?.text ?? '';
  if (/^boolean(\s*\|\s*undefined)?$/.test(typeText.trim())) return { valueSet: 'v' };
  const values = literalUnion(typeText) ?? (/^string(\s*\|\s*undefined)?$/.test(typeText.trim()) ? documentedKeywords(attribute.description) : undefined);
  return values ? { values: values.map((name) => ({ name })) } : {};
}

function section(title, items, format) {
  if (!items?.length) return '';
  return `\n\n**${title}**\n${items.map((item) => `- ${format(item)}`).join('\n')}`;
}

/** The tag's hover text: summary, then its events, slots, parts and custom properties. */
function tagDescription(declaration) {
  const head = declaration.summary || declaration.description || '';
  return (
    head +
    section('Events', declaration.events, (e) => `\`${e.name}\`${e.description ? ` — ${e.description}` : ''}`) +
    section('Slots', declaration.slots, (s) => `\`${s.name || '(default)'}\`${s.description ? ` — ${s.description}` : ''}`) +
    section('CSS parts', declaration.cssParts, (p) => `\`::part(${p.name})\`${p.description ? ` — ${p.description}` : ''}`) +
    section('CSS custom properties', declaration.cssProperties, (p) => `\`${p.name}\`${p.description ? ` — ${p.description}` : ''}`)
  );
}

/** The custom data of every custom element in `manifest`, sorted by tag name. */
export function customData(manifest) {
  const tags = manifest.modules
    .flatMap((module) => module.declarations ?? [])
    .filter((declaration) => declaration.customElement && declaration.tagName)
    .sort((a, b) => a.tagName.localeCompare(b.tagName))
    .map((declaration) => ({
      name: declaration.tagName,
      description: { kind: 'markdown', value: tagDescription(declaration) },
      attributes: (declaration.attributes ?? []).map((attribute) => ({
        name: attribute.name,
        description: {
          kind: 'markdown',
          value: [attribute.description, attribute.default !== undefined ? `Default: \`${attribute.default}\`` : '']
            .filter(Boolean)
            .join('\n\n'),
        },
        ...valuesOf(attribute),
      })),
    }));
  return { $schema: 'https://raw.githubusercontent.com/microsoft/vscode-html-languageservice/main/docs/customData.schema.json', version: 1.1, tags };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const manifestPath = process.argv[2] ?? `${componentsDir}custom-elements.json`;
  const outputPath = process.argv[3] ?? `${componentsDir}vscode.html-custom-data.json`;
  const data = customData(JSON.parse(readFileSync(manifestPath, 'utf8')));
  writeFileSync(outputPath, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`VS Code custom data: ${data.tags.map((tag) => `<${tag.name}> (${tag.attributes.length} attributes)`).join(', ')}`);
}
