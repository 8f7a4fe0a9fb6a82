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
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|test|node_modules)/' },
  },
};
