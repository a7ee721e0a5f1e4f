import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { root } from '../cli/runChartlog.js';
import { useTempDir } from '../support/tempDir.js';

const SUBPATHS = [
  'chartlog',
  'chartlog/sqlite',
  'chartlog/eventstoredb',
  'chartlog/http',
  'chartlog/fhir',
  'chartlog/clinical',
  'chartlog/adapter',
  'chartlog/testing',
] as const;

/**
 * A consumer project whose node_modules/chartlog is this repository, as after
 * `npm install chartlog`: TypeScript resolves the package by name from there.
 */
function consumerFile(): string {
  if (!existsSync(join(root, 'dist/index.d.ts'))) {
    throw new Error(
      'dist/ is missing, so the types a consumer gets cannot be resolved: run `npm run build` first (`npm test` builds before the suite)',
    );
  }
  const inConsumer = useTempDir('consumer');
  mkdirSync(inConsumer('node_modules'));
  symlinkSync(root, inConsumer('node_modules/chartlog'), 'dir');
  return inConsumer('index.ts');
}

/** The declaration file TypeScript picks for `specifier`, relative to the package, or undefined when it finds none (TS2307). */
function typesFor(specifier: string, from: string, options: ts.CompilerOptions): string | undefined {
  const resolved = ts.resolveModuleName(specifier, from, options, ts.sys).resolvedModule;
  return resolved === undefined
    ? undefined
    : relative(
        ts.sys.realpath?.(root) ?? root,
        ts.sys.realpath?.(resolved.resolvedFileName) ?? resolved.resolvedFileName,
      );
}

describe('types of every subpath, for each way TypeScript resolves modules', () => {
  const from = consumerFile();

  it.each(SUBPATHS)(
    '%s has types under CommonJS (node10) resolution, TypeScript’s default for module commonjs',
    (specifier) => {
      const found = typesFor(specifier, from, {
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
      });
      expect(found).toMatch(/^dist\/.*\.d\.c?ts$/);
    },
  );

  it.each(SUBPATHS)('%s has types under node16 (require) and bundler resolution', (specifier) => {
    expect(
      typesFor(specifier, from, {
        module: ts.ModuleKind.Node16,
        moduleResolution: ts.ModuleResolutionKind.Node16,
      }),
    ).toMatch(/^dist\/.*\.d\.c?ts$/);
    expect(
      typesFor(specifier, from, {
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
      }),
    ).toMatch(/^dist\/.*\.d\.ts$/);
  });
});
