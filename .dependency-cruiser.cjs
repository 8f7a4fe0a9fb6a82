/** Layer rules of the hexagon: dependencies point inwards, and only the composition root knows tsyringe. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'The domain imports no framework, driver or I/O library, and nothing outside domain/.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { pathNot: '^domain/' },
    },
    {
      name: 'entities-import-only-entities',
      comment: 'Entities are plain types and their rules: they import no port, no service, no error module.',
      severity: 'error',
      from: { path: '^domain/entities/' },
      to: { pathNot: '^domain/entities/' },
    },
    {
      name: 'ports-import-only-entities-and-errors',
      comment: 'Ports speak in entities and domain errors; they know no service.',
      severity: 'error',
      from: { path: '^domain/ports/' },
      to: { pathNot: '^domain/(entities/|ports/|errors\\.ts$)' },
    },
    {
      name: 'production-does-not-import-tests-or-tools',
      comment:
        'What ships (cmd, domain, adapters, infrastructure) imports no test, benchmark or script: those are not in the image.',
      severity: 'error',
      from: { path: '^(cmd|domain|adapters|infrastructure)/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'benchmarks-do-not-import-tests',
      comment: 'What tests and benchmarks share lives in scripts/, so a benchmark runs without the test tree.',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
    {
      name: 'adapters-do-not-know-the-root',
      comment: 'Adapters are wired by infrastructure/, never the other way round.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^(infrastructure|cmd)/' },
    },
    {
      name: 'input-and-output-adapters-are-apart',
      comment: 'HTTP adapters reach output adapters only through domain ports.',
      severity: 'error',
      from: { path: '^adapters/input/' },
      to: { path: '^adapters/output/' },
    },
    {
      name: 'output-adapters-do-not-call-input-adapters',
      severity: 'error',
      from: { path: '^adapters/output/' },
      to: { path: '^adapters/input/' },
    },
    {
      name: 'tsyringe-only-in-the-composition-root',
      severity: 'error',
      from: { pathNot: '^infrastructure/' },
      to: { path: 'node_modules/(tsyringe|reflect-metadata)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Imports of libraries and of tests are checked but not followed further. Excluding them instead would drop
    // the edges that lead to them, and with them the rules about tsyringe and about importing tests.
    doNotFollow: { path: ['node_modules', '^test/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist/' },
  },
};
