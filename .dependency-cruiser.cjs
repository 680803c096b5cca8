/**
 * The layer rules of tunnelgate, checked on every `npm test` (`npm run lint:layers`). The
 * architecture they encode is in docs/architecture.md: the contract (stacks/) at the bottom,
 * components (haproxy/, sshd/, certs/) on top of it alone, scripts/ split by pipeline stage, and
 * one module each for the libraries that reach outside (dockerode, acme-client, esbuild).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Data flows one way; a cycle means two modules own one concern.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'contract-imports-nothing',
      severity: 'error',
      comment: 'stacks/ is the contract every part shares: the model, the layout, services and labels. It imports only itself.',
      from: { path: '^stacks/' },
      to: { pathNot: '^stacks/' },
    },
    {
      name: 'components-import-only-the-contract',
      severity: 'error',
      comment: 'haproxy/, sshd/ and certs/ render and run inside containers: they import stacks/, their own files and npm packages, never scripts/ or each other.',
      from: { path: '^(haproxy|sshd|certs)/' },
      to: { pathNot: ['^stacks/', '^$1/', 'node_modules/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'only-the-engine-imports-dockerode',
      severity: 'error',
      comment: 'scripts/engine/ is the one adapter to the Docker engine; everything else gets plain data from it.',
      from: { pathNot: '^scripts/engine/' },
      to: { path: 'node_modules/(@types/)?dockerode/' },
    },
    {
      name: 'only-the-renewer-imports-acme-client',
      severity: 'error',
      comment: 'The ACME protocol runs inside the renewer container only.',
      from: { pathNot: '^certs/renewer/' },
      to: { path: 'node_modules/acme-client/' },
    },
    {
      name: 'only-the-bundle-imports-esbuild',
      severity: 'error',
      comment: 'esbuild bundles the renewer program; nothing else needs a compiler at run time.',
      from: { pathNot: '^scripts/deploy/renewer-bundle\\.ts$' },
      to: { path: 'node_modules/esbuild/' },
    },
    {
      name: 'config-never-loads-the-engine',
      severity: 'error',
      comment: 'Loading and validating edge.yaml is pure and fast: it must not pull in Docker, deploy or live code.',
      from: { path: '^scripts/config/' },
      to: { path: ['^scripts/(engine|deploy|live|report)/', 'node_modules/(dockerode|esbuild|zx)/'] },
    },
    {
      name: 'config-loader-stays-light',
      severity: 'error',
      comment: 'Not even indirectly: validating a config must not load dockerode or esbuild.',
      from: { path: '^scripts/config/load-config\\.ts$' },
      to: { path: 'node_modules/(dockerode|esbuild)/', reachable: true },
    },
    {
      name: 'engine-knows-no-product',
      severity: 'error',
      comment: 'The engine adapter never knows HAProxy, sshd or ACME, nor the pipeline that calls it.',
      from: { path: '^scripts/engine/' },
      to: { path: ['^(haproxy|sshd|certs|stacks)/', '^scripts/(config|deploy|live|report)/'] },
    },
    {
      name: 'pure-planning',
      severity: 'error',
      comment: 'The desired stack, the rendered files and the plan are pure: no engine (but its data types), no live operations, no file system.',
      from: { path: '^scripts/deploy/(stack|files|plan|plan-text|build-waits)\\.ts$' },
      to: { path: ['^scripts/engine/(?!spec\\.ts$)', '^scripts/live/', '^(node:)?fs(/promises)?$'] },
    },
    {
      name: 'report-is-pure',
      severity: 'error',
      comment: 'scripts/report/ turns facts into text and JSON; reading them is scripts/live/.',
      from: { path: '^scripts/report/' },
      to: { path: ['^scripts/(engine|deploy|live)/', 'node_modules/(dockerode|zx)/', '^(node:)?(fs|child_process)(/promises)?$'] },
    },
    {
      name: 'live-does-not-plan',
      severity: 'error',
      comment: 'scripts/live/ operates on running containers; what to do is decided in scripts/deploy/ and passed in.',
      from: { path: '^scripts/live/' },
      to: { path: '^scripts/(deploy|config)/' },
    },
    {
      name: 'product-code-never-imports-tests',
      severity: 'error',
      from: { path: '^(scripts|haproxy|sshd|certs|stacks|testkit)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'bench-does-not-borrow-from-tests',
      severity: 'error',
      comment: 'What the tests and the bench share lives in testkit/.',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
    {
      name: 'testkit-is-standalone',
      severity: 'error',
      comment: 'testkit/ drives a stack from outside, as users do; it imports nothing of the product.',
      from: { path: '^testkit/' },
      to: { path: '^(scripts|haproxy|sshd|certs|stacks)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
