// The layering check (`npm run lint:layers`, part of `npm test`): imports in src/ run one way only,
// from a layer to the layers before it, as docs/architecture.md's "Layers" section describes.
// Type-only imports count: a type import couples layers as much as a value one.

/**
 * The layers of src/, lowest first: a module may import from its own layer and from any
 * layer before it, never from one after it. The one place this order is written.
 *
 * - `error` is imported by every layer, so it comes first.
 * - `event → merge → chart → store → sync → replica` is the core, one way only.
 * - `sync/http` is the HTTP transport: it serves and drives a replica (status, forks,
 *   keyring), so it sits above `replica`, as the CLI does; the sync protocol itself
 *   (`sync/`) stays below.
 * - `fhir` (FHIR R4 records; the `chartlog/fhir` subpath) sits on the core; `clinical` (the
 *   schema pack) and `testing` (helpers over replicas) sit on top of it, side by side;
 *   `index.ts` is the core's public entry and gathers them; `cli` is the top.
 * - `adapter` is the entry for store and transport authors (`chartlog/adapter`): like
 *   `index.ts`, it gathers what lies below it.
 * - `workers` holds worker-thread entries (a SQLite rebuild's): each is an entry point like
 *   `index.ts` that may name the schema packs, and nothing imports it.
 *
 * A path belongs to the layer of its longest matching folder (so `sync/http/x.ts` is in
 * `sync/http`, `sync/x.ts` in `sync`).
 */
const LAYERS = [
  ['error'],
  ['event'],
  ['merge'],
  ['chart'],
  ['store'],
  ['sync'],
  ['replica'],
  ['sync/http'],
  ['fhir'],
  ['clinical', 'testing'],
  ['index.ts', 'adapter', 'workers'],
  ['cli'],
];

/** A path pattern matching the modules of the given layers (`sync` without `sync/http`). */
function modulesOf(layers) {
  const names = layers.flat().map((name) => {
    if (name === 'index.ts') return 'index\\.ts$';
    if (name === 'sync') return 'sync/(?!http/)';
    return `${name.replace('/', '\\/')}/`;
  });
  return `^src/(${names.join('|')})`;
}

const upwardImports = LAYERS.slice(0, -1).map((layer, rank) => ({
  name: `layer-${layer.join('+').replace('/', '-')}`,
  comment: `${layer.join(' and ')} may not import a later layer (${LAYERS.slice(rank + 1)
    .flat()
    .join(', ')}): see docs/architecture.md, "Layers"`,
  severity: 'error',
  from: { path: modulesOf([layer]) },
  to: { path: modulesOf(LAYERS.slice(rank + 1)) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...upwardImports,
    {
      name: 'in-no-layer',
      comment: 'Every module of src/ belongs to a layer: add its folder to LAYERS in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/', pathNot: modulesOf(LAYERS) },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'A cycle between modules makes their load order (and what one sees of the other) an accident.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-to-tests',
      comment: 'The package must not need its own tests, benchmarks, examples or scripts to run.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|examples|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports are kept, so they are checked like value imports.
    tsPreCompilationDeps: true,
    // 1.6 MB of generated R4 definitions that import nothing: parsing them only costs time.
    exclude: { path: '^src/fhir/r4/r4Definitions\\.generated\\.ts$' },
  },
};
