// Compiles every TypeScript block of README.md and docs/*.md with jsii-rosetta in strict mode and checks that the
// Python block beside it is rosetta's translation.
//
//   ts-node scripts/rosetta-docs.ts           check (the `rosetta:check` task, part of `npx projen check`)
//   ts-node scripts/rosetta-docs.ts --write   rewrite the Python blocks from the TypeScript ones
//
// `jsii-rosetta extract --strict` compiles the snippets of an assembly: its README and doc comments. docs/*.md are
// in no assembly, so this script hands the blocks of every page to rosetta's own API the way `extract` does:
// the same fixtures (rosetta/<name>.ts-fixture, ```ts fixture=<name>, or ```ts nofixture for a complete
// program), the same compiler options, strict mode (every error fails), and its tablet as a cache
// (.cache/rosetta/docs.tabl.json: an unchanged snippet whose types didn't change is not compiled again).
//
// Pairing rule: a TypeScript block inside <details><summary>TypeScript...</summary> must be followed by a
// <details><summary>Python...</summary> block holding rosetta's Python translation. A TypeScript block outside
// such a <details> (browser code, say) is compiled but has no Python twin.
import * as fs from 'fs';
import * as path from 'path';
import {
  LanguageTablet, RosettaTranslator, TargetLanguage, TranslatedSnippet, TypeScriptSnippet,
  parseKeyValueList, typeScriptSnippetFromVisibleSource,
} from 'jsii-rosetta';
import { loadAssemblyFromPath } from '@jsii/spec';

// The fixture mechanism `extract` uses (rosetta/<name>.ts-fixture, `/// here`, hoisted imports), which the
// package doesn't export by name.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fixturize } = require(path.join(path.dirname(require.resolve('jsii-rosetta')), 'fixtures.js')) as {
  fixturize(snippet: TypeScriptSnippet, loose?: boolean): TypeScriptSnippet;
};

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(ROOT, '.cache', 'rosetta');
const CACHE = path.join(CACHE_DIR, 'docs.tabl.json');
const write = process.argv.includes('--write');

interface Block {
  readonly file: string;
  readonly language: string;
  readonly info: string[];
  /** 1-based line of the opening fence */
  readonly line: number;
  /** 0-based indexes of the first and last content lines */
  readonly start: number;
  readonly end: number;
  readonly source: string;
  /** The <summary> of the <details> the block is in, if any */
  readonly summary?: string;
}

function markdownFiles(): string[] {
  const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

function blocksOf(file: string, lines: string[]): Block[] {
  const blocks: Block[] = [];
  let summary: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const details = /<summary>([^<]*)<\/summary>/.exec(lines[i]);
    if (details) summary = details[1];
    if (/^\s*<\/details>/.test(lines[i])) summary = undefined;
    const open = /^(\s*)(`{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, infoString] = open;
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^${indent}${fence}\\s*$`).test(lines[j])) j++;
    const info = infoString.trim().split(/\s+/).filter(Boolean);
    blocks.push({
      file, language: info[0] ?? '', info: info.slice(1), line: i + 1, start: i + 1, end: j - 1, summary,
      source: lines.slice(i + 1, j).map((l) => l.slice(indent.length)).join('\n'),
    });
    i = j;
  }
  return blocks;
}

const isTypeScript = (b: Block) => b.language === 'ts' || b.language === 'typescript';

async function main() {
  const assembly = loadAssemblyFromPath(ROOT, false);
  const files = markdownFiles().map((file) => {
    const lines = fs.readFileSync(path.join(ROOT, file), 'utf-8').split('\n');
    return { file, lines, blocks: blocksOf(file, lines) };
  });

  const snippets = new Map<Block, TypeScriptSnippet>();
  for (const { blocks } of files) {
    for (const block of blocks.filter(isTypeScript)) {
      const snippet = typeScriptSnippetFromVisibleSource(block.source,
        { api: { api: 'file', fileName: block.file }, field: { field: 'markdown', line: block.line } }, true,
        { ...parseKeyValueList(block.info), $directory: ROOT });
      snippets.set(block, fixturize(snippet));
    }
  }

  const translator = new RosettaTranslator({ assemblies: [assembly], includeCompilerDiagnostics: true });
  await translator.addToCache(CACHE);
  const { remaining } = translator.readFromCache([...snippets.values()], true, true);

  const errors: string[] = [];
  if (remaining.length > 0) {
    // Snippets resolve `cdk-ecom-platform` to this package (lib/ and .jsii from the build) and everything else
    // from the repository's node_modules, without an npm install.
    const compileDir = path.join(CACHE_DIR, 'compile');
    fs.mkdirSync(path.join(compileDir, 'node_modules'), { recursive: true });
    const self = path.join(compileDir, 'node_modules', 'cdk-ecom-platform');
    if (!fs.existsSync(self)) fs.symlinkSync(ROOT, self, 'dir');
    const result = await translator.translateAll(remaining, {
      compilationDirectory: compileDir,
      batchSize: Math.max(1, Math.ceil(remaining.length / 2)),
    });
    errors.push(...result.diagnostics.filter((d) => d.isError).map((d) => d.formattedMessage));
  }

  // Only snippets that compiled are cached.
  const cache = new LanguageTablet();
  cache.addTranslations(...translator.tablet.translatedSnippets.filter((s: TranslatedSnippet) => s.snippet.didCompile));
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  await cache.save(CACHE);

  let changedFiles = 0;
  for (const { file, lines, blocks } of files) {
    const edits: Array<{ block: Block; python: string }> = [];
    blocks.forEach((block, index) => {
      if (!isTypeScript(block) || !block.summary?.startsWith('TypeScript')) return;
      const twin = blocks[index + 1];
      const where = `${file}:${block.line}`;
      if (!twin || twin.language !== 'python' || !twin.summary?.startsWith('Python')) {
        errors.push(`${where}: a TypeScript block in <details><summary>TypeScript</summary> needs a Python twin right after it, in <details><summary>Python</summary>`);
        return;
      }
      const translation = translator.tablet.lookup(snippets.get(block)!, TargetLanguage.PYTHON);
      if (!translation) return; // didn't compile: reported above
      const python = translation.source.trimEnd();
      if (python === twin.source.trimEnd()) return;
      if (write) {
        edits.push({ block: twin, python });
      } else {
        errors.push(`${file}:${twin.line}: the Python block is not rosetta's translation of the TypeScript block at line ${block.line}. Fix: npx ts-node --project test/tsconfig.json scripts/rosetta-docs.ts --write\n--- expected\n${python}\n--- found\n${twin.source.trimEnd()}`);
      }
    });
    if (edits.length > 0) {
      for (const { block, python } of edits.reverse()) {
        lines.splice(block.start, block.end - block.start + 1, ...python.split('\n'));
      }
      fs.writeFileSync(path.join(ROOT, file), lines.join('\n'));
      changedFiles++;
      console.log(`${file}: ${edits.length} Python block(s) rewritten`);
    }
  }

  if (errors.length > 0) {
    console.error(errors.join('\n\n'));
    console.error(`\nrosetta:check: ${errors.length} problem(s) in ${snippets.size} TypeScript blocks of ${files.length} files`);
    process.exit(1);
  }
  if (write && changedFiles === 0) console.log('Python blocks already match rosetta');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
