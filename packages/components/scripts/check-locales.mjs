// Checks that every msg() call has an explicit id and that the English templates
// translate exactly those ids, with the same placeholders. Exit code 1 on drift.
//
// English templates live in src/locales/en.ts (the foundation's) and, per element,
// in src/<element>/<name>.en.ts, which src/locales/en.ts must import and spread:
// elements can then be translated in their own folders.
//
// lit-localize's own extractor (@lit/localize-tools) would do this through XLIFF;
// the project keeps translations as TypeScript keyed by readable ids instead, and
// this script is the guard that keeps them complete.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const sourceRoot = join(packageRoot, 'src');
const translationFile = join(sourceRoot, 'locales', 'en.ts');

function typeScriptFiles(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : typeScriptFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

const allFiles = typeScriptFiles(sourceRoot);
const elementTranslationFiles = allFiles.filter((path) => path.endsWith('.en.ts'));
const translationFiles = [translationFile, ...elementTranslationFiles];
const sourceFiles = allFiles.filter((path) => !translationFiles.includes(path));

function parse(path) {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function walk(node, visit) {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** Number of `${…}` placeholders of a string, `str` or `html` template. */
function placeholderCount(node) {
  if (ts.isTaggedTemplateExpression(node)) node = node.template;
  return ts.isTemplateExpression(node) ? node.templateSpans.length : 0;
}

function location(file, node) {
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${relative(packageRoot, file.fileName)}:${line + 1}`;
}

const problems = [];
const messages = new Map(); // id → { placeholders, where }

for (const path of sourceFiles) {
  const file = parse(path);
  walk(file, (node) => {
    if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'msg') return;
    const [template, options] = node.arguments;
    const idProperty =
      options && ts.isObjectLiteralExpression(options)
        ? options.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText(file) === 'id')
        : undefined;
    if (!idProperty || !ts.isStringLiteralLike(idProperty.initializer)) {
      problems.push(`${location(file, node)}: msg() without a literal { id: '…' }`);
      return;
    }
    const id = idProperty.initializer.text;
    const entry = { placeholders: placeholderCount(template), where: location(file, node) };
    const previous = messages.get(id);
    if (previous && previous.placeholders !== entry.placeholders) {
      problems.push(`${entry.where}: id "${id}" is also used at ${previous.where} with different placeholders`);
    }
    messages.set(id, entry);
  });
}

const translations = new Map(); // id → { placeholders, file }
for (const path of translationFiles) {
  const file = parse(path);
  walk(file, (node) => {
    if (!ts.isObjectLiteralExpression(node)) return;
    for (const property of node.properties) {
      if (!ts.isPropertyAssignment(property) || !ts.isStringLiteralLike(property.name)) continue;
      const id = property.name.text;
      if (translations.has(id)) problems.push(`${location(file, property)}: "${id}" is translated twice`);
      translations.set(id, { placeholders: placeholderCount(property.initializer), file: relative(packageRoot, path) });
    }
  });
}

// The locale module loaded at run time is src/locales/en.ts: it must include every element's file.
const importedByLocale = new Set();
walk(parse(translationFile), (node) => {
  if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
    importedByLocale.add(join(sourceRoot, 'locales', node.moduleSpecifier.text.replace(/\.js$/, '.ts')));
  }
});
for (const path of elementTranslationFiles) {
  if (!importedByLocale.has(path)) {
    problems.push(`src/locales/en.ts: does not import and spread ${relative(packageRoot, path)}`);
  }
}

for (const [id, { placeholders, where }] of messages) {
  const translation = translations.get(id);
  if (translation === undefined) problems.push(`${where}: "${id}" has no English translation (src/locales/en.ts or a *.en.ts)`);
  else if (translation.placeholders !== placeholders) {
    problems.push(`${translation.file}: "${id}" has ${translation.placeholders} placeholders, the source (${where}) ${placeholders}`);
  }
}
for (const [id, { file }] of translations) {
  if (!messages.has(id)) problems.push(`${file}: "${id}" is not used by any msg() call`);
}

if (problems.length > 0) {
  console.error(`check:locales: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check:locales: ${messages.size} messages, all translated to en`);
