import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * What the TSDoc and comments cite must be something a reader can open: a document in
 * the repository, and for what `src/` cites (the TSDoc a package user reads in their
 * editor), a document the npm package ships. A citation is `docs/<file>.md`,
 * `THREAT_MODEL.md` or `README`, optionally followed by `, "<section heading>"`; the
 * heading must exist in that file. The design notes the project was started from
 * (`DESIGN §n`, kept outside the repository) are never cited.
 */
const CITATION = /(docs\/[\w./-]+\.md|THREAT_MODEL\.md|README(?:\.md)?)(?:,\s*"([^"]+)")?/g;
const OUTSIDE_DOCUMENT = /DESIGN\s*§|\.\.\/shared\/DESIGN/;

/** Folders and files whose comments are checked; `src/` is also checked against the package. */
const CHECKED = ['src', 'test', 'scripts', 'examples', 'bench', 'README.md', 'docs', 'THREAT_MODEL.md'];
// This file names the forbidden form itself, in its pattern.
const SELF = relative(ROOT, fileURLToPath(import.meta.url));

function textFiles(path: string): string[] {
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [path];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const child = join(path, entry.name);
    if (entry.isDirectory())
      return entry.name === 'fixtures' || entry.name === 'results' ? [] : textFiles(child);
    return /\.(ts|mts|mjs|js|md)$/.test(entry.name) ? [child] : [];
  });
}

/** The text with comment line breaks (`\n * `, `\n // `) joined, so a citation may wrap. */
function joinedText(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8').replace(/[ \t]*\r?\n[ \t]*(?:\*(?!\/)|\/\/)?[ \t]*/g, ' ');
}

function documentOf(cited: string): string {
  return cited.startsWith('README') ? 'README.md' : cited;
}

const headingsByDocument = new Map<string, Set<string>>();
function headingsOf(document: string): Set<string> {
  let headings = headingsByDocument.get(document);
  if (headings === undefined) {
    const text = readFileSync(join(ROOT, document), 'utf8');
    headings = new Set([...text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*$/gm)].map((match) => match[1] ?? ''));
    headingsByDocument.set(document, headings);
  }
  return headings;
}

/** True when package.json `files` ships `path` (an entry naming it or a folder holding it; README is always shipped). */
function packaged(path: string): boolean {
  if (path === 'README.md') return true;
  const { files } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    files: readonly string[];
  };
  return files.some((entry) => {
    const clean = entry.replace(/^\.\//, '').replace(/\/$/, '');
    return path === clean || path.startsWith(`${clean}/`);
  });
}

interface Citation {
  readonly file: string;
  readonly document: string;
  readonly section: string | undefined;
}

function citationsIn(file: string): Citation[] {
  return [...joinedText(file).matchAll(CITATION)].map((match) => ({
    file,
    document: documentOf(match[1] ?? ''),
    section: match[2],
  }));
}

describe('documents the code cites', () => {
  const files = CHECKED.flatMap(textFiles).filter((file) => file !== SELF);

  it('never cites the design notes kept outside the repository (DESIGN §n)', () => {
    const outside = files.filter((file) => OUTSIDE_DOCUMENT.test(joinedText(file)));
    expect(outside).toEqual([]);
  });

  it('cites only documents in the repository, and section headings those documents have', () => {
    const broken = files
      .flatMap(citationsIn)
      .filter(
        ({ document, section }) =>
          !existsSync(join(ROOT, document)) || (section !== undefined && !headingsOf(document).has(section)),
      )
      .map(
        ({ file, document, section }) =>
          `${file}: ${document}${section === undefined ? '' : `, "${section}"`}`,
      );
    expect(broken).toEqual([]);
  });

  it('cites from src/ only documents the npm package ships, so a user of the package can follow the TSDoc', () => {
    const unshipped = textFiles('src')
      .flatMap(citationsIn)
      .filter(({ document }) => !packaged(document))
      .map(({ file, document }) => `${file}: ${document}`);
    expect(unshipped).toEqual([]);
  });
});
