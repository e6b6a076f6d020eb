// The layer order of src/ (docs/architecture.md): a module may import its own layer and the
// layers below it, never one above, and no import may close a cycle. `npm test` runs this.
const LAYERS = ['data', 'engine', 'features', 'alarms', 'model', 'metrics', 'stream', 'connectors', 'server', 'services', 'app|cli'];

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `no-upward-from-${layer}`,
  comment: `src/${layer} sits below ${LAYERS.slice(i + 1).join(', ')}: it may not import them`,
  severity: 'error',
  from: { path: `^src/(${layer})/` },
  to: { path: `^src/(${LAYERS.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    ...upward,
    { name: 'app-and-cli-apart', severity: 'error', from: { path: '^src/app/' }, to: { path: '^src/cli/' } },
    { name: 'cli-and-app-apart', severity: 'error', from: { path: '^src/cli/' }, to: { path: '^src/(app|services)/' } },
    {
      name: 'workers-are-thin',
      comment: 'a worker entry only exposes a service from src/services',
      severity: 'error',
      from: { path: '^workers/' },
      to: { path: '^src/', pathNot: '^src/services/' },
    },
    { name: 'product-not-from-tests', severity: 'error', from: { path: '^(src|workers)/' }, to: { path: '^(test|bench)/' } },
    { name: 'no-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|dist-web|wasm/build)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
