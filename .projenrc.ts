import * as path from 'path';
import { awscdk, javascript } from 'projen';

// aws-cdk-lib floor: cdk-nag v3's `Validations` API needs 2.257.0. The devDependency is pinned to the
// floor so the test suite proves the floor works.
const CDK_FLOOR = '2.257.0';
const CONSTRUCTS_FLOOR = '10.5.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-ecom-platform',
  description:
    'Host and continuously deliver a React single-page app and a CDK backend on AWS: secure SPA hosting, zero-downtime SPA pipelines, Docker-free Lambda layers and a cheap CDK backend pipeline.',
  author: 'cdk-ecom-platform maintainers',
  authorAddress: 'maintainers@cdk-ecom-platform.dev',
  repositoryUrl: 'https://github.com/cdk-ecom-platform/cdk-ecom-platform.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'aws-cdk', 'spa', 'react', 'cloudfront', 's3', 'codepipeline', 'cdk-pipelines', 'lambda-layer'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: CDK_FLOOR,
  cdkVersionPinning: false,
  constructsVersion: CONSTRUCTS_FLOOR,
  jsiiVersion: '~6.0.0',

  // Supported: Node.js 20 or later (aws-cdk-lib's floor; building this repository needs 20.16, jsii 6's) and
  // Python 3.10 or later (the wheel's Requires-Python, set by jsii-pacmak). CI runs Node 20 and Python 3.11.
  minNodeVersion: '20.0.0',
  workflowNodeVersion: '20.x',
  // commit-and-tag-version 13 and its conventional-changelog packages need Node 22: on Node 20 every `npm ci`
  // printed 17 EBADENGINE warnings. 12 does the same job and supports Node 18+.
  bumpPackage: 'commit-and-tag-version@^12',

  publishToPypi: {
    distName: 'cdk-ecom-platform',
    module: 'cdk_ecom_platform',
  },

  devDeps: [
    'cdk-nag@^3.0.2',
    // cdk-nag v2 (an Aspect reading `cdk_nag` metadata) is still what many consumers run: test both.
    'cdk-nag-v2@npm:cdk-nag@^2.38.2',
    // The real CDK CLI, for the main job (`synth-example`) and the examples' end-to-end check.
    'aws-cdk@2.1148.1',
    // The operator CLI (src/cli): its AWS SDK v3 clients are bundled by esbuild into one file, so the package
    // has no runtime dependency on them.
    'esbuild@^0.28.2',
    '@aws-sdk/client-cloudformation@^3',
    '@aws-sdk/client-codecommit@^3',
    '@aws-sdk/client-codepipeline@^3',
    // `releases`/`rollback` find an app's bucket, store and site in its deploy project's environment.
    '@aws-sdk/client-codebuild@^3',
    '@aws-sdk/client-codestar-connections@^3',
    '@aws-sdk/client-ssm@^3',
    '@aws-sdk/client-sts@^3',
    'aws-sdk-client-mock@^4.1.0',
    // The SPA release module (src/release), bundled like the CLI: S3 uploads, the CloudFront KeyValueStore that
    // names the live release (its API is signed with SigV4A), Content-Type from mime-db via mime-types.
    '@aws-sdk/client-s3@^3',
    '@aws-sdk/client-cloudfront@^3',
    '@aws-sdk/client-cloudfront-keyvaluestore@^3',
    '@aws-sdk/signature-v4a@^3',
    // The deploy program's automatic rollback reads the user's alarm (DescribeAlarms).
    '@aws-sdk/client-cloudwatch@^3',
    // The alarm forwarder of the monitoring's us-east-1 stack runs on the Lambda runtime's SDK; its end-to-end
    // test runs the synthesized code against moto with this one.
    '@aws-sdk/client-sns@^3',
    'mime-types@^3',
    '@types/mime-types@^3',
    // Drives the CLI's interactive menu in a pseudo-terminal in the tests.
    '@lydell/node-pty@^1.1.0',
    // Drives Debian's Chromium (no browser download) in the end-to-end check of a real app behind the CSP.
    'playwright-core@^1.65.1',
  ],

  // `npx ecom-platform` in a TypeScript app; jsii makes it an `ecom-platform` script of the Python package too.
  bin: { 'ecom-platform': 'lib/ecom-platform-cli.js' },

  jestOptions: {
    // Snapshots are written by a developer on purpose, never rewritten by a test run.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 300_000,
      // Quiet on success: drops aws-cdk-lib's policy-validation reports whose every status is `success`.
      setupFiles: ['<rootDir>/test/jest-setup.ts'],
      // Fixture apps, the wheel venv and synth output are not part of the module graph.
      modulePathIgnorePatterns: ['<rootDir>/test/fixtures/', '<rootDir>/.cache/', '<rootDir>/cdk.out/', '<rootDir>/dist/'],
    },
  },

  gitignore: ['/cdk.out/', '/.cache/', '/.venv*/', '__pycache__/', '.pytest_cache/', '/test/python/out/',
    '/test/fixtures/spa-app/node_modules/', '/test/fixtures/spa-app/dist/', '/test/fixtures/layers/.tmp-*/',
    '/examples/**/cdk.out/', '/examples/**/cdk.context.json'],
});

// Files the constructs read at synth time (CloudFront Function code, deploy scripts) ship in the package.
project.npmignore?.include('/assets/');
// The CLI ships as one bundled file (lib/ecom-platform-cli.js); its unbundled modules would need the SDK.
project.npmignore?.exclude('/lib/cli/');
// The SPA release module (src/release) ships as one bundled file too (lib/spa-release.js, run by the deploy action).
project.npmignore?.exclude('/lib/release/');
project.npmignore?.exclude('/requirements-*.txt', '/examples/', '/scripts/', '/.ci/', '/docs/', '/.cache/', '/cdk.out/', '/test/python/');

// npm reads only `node`; `python` says which Python the wheel supports (its Requires-Python).
project.package.addEngine('python', '>= 3.10');

// --- The operator CLI: one self-contained file, built after jsii compiles ---------------------------------
const bundleCli = project.addTask('bundle:cli', {
  description: 'Bundle the operator CLI (src/cli) and its AWS SDK clients into lib/ecom-platform-cli.js',
  exec: 'esbuild src/cli/main.ts --bundle --platform=node --target=node18 --main-fields=module,main --minify --log-level=warning --outfile=lib/ecom-platform-cli.js',
});
project.postCompileTask.spawn(bundleCli);
// The SPA deploy program (src/release/program.ts): the pipeline's deploy action runs it with `node`; SpaPipeline
// publishes it as an S3 asset. Same bundling as the CLI.
const bundleRelease = project.addTask('bundle:release', {
  description: 'Bundle the SPA deploy program (src/release/program.ts) and its AWS SDK clients into lib/spa-release.js',
  exec: 'esbuild src/release/program.ts --bundle --platform=node --target=node18 --main-fields=module,main --minify --log-level=warning --outfile=lib/spa-release.js',
});
project.postCompileTask.spawn(bundleRelease);
// The CLI's imports are bundled into it: they are devDependencies on purpose.
project.eslint?.addOverride({
  files: ['src/cli/**/*.ts', 'src/release/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true, optionalDependencies: false, peerDependencies: true }] },
});

// --- The whole check: what the README's test command and .ci/run run -----------------------------------
// Everything it needs besides node_modules, so that `npm ci && npx projen check` passes on a fresh machine.
const setupTools = project.addTask('setup:tools', {
  description: 'Install the Python tools of requirements-dev.txt (pip), checkov into .cache/checkov-venv and Debian\'s chromium (apt-get, as root) when missing',
  exec: 'bash scripts/setup-tools.sh',
});

// The junit files (test-reports/, like jest's) carry each test's time, for finding the slow ones.
const testPython = project.addTask('test:python', {
  description: 'Install the built wheel into a fresh venv and synthesize Python apps with it (pytest)',
  exec: 'python3 -m pytest -q -p no:cacheprovider --junitxml=test-reports/pytest-python.xml test/python',
});

const testDeploy = project.addTask('test:deploy', {
  description: 'Run the SPA deploy program from a synthesized SpaPipeline buildspec against moto (S3, CodeBuild) and the KeyValueStore stand-in, the site in Chromium',
  exec: 'python3 -m pytest -q -p no:cacheprovider --junitxml=test-reports/pytest-deploy.xml test/deploy',
});

project.addTask('bench:deploy', {
  description: 'Benchmark SPA releases against moto and the KeyValueStore stand-in: bytes and objects per deploy, invalidations, upload to live, rollback time and bytes',
  exec: 'python3 test/deploy/bench_spa_deploy.py',
});

project.addTask('bench:layers', {
  description: 'Benchmark LayerBuilder with the seed\'s five layers (real pip builds)',
  exec: 'ts-node --project test/tsconfig.json scripts/bench-layers.ts',
});

project.addTask('bench:backend-pipeline', {
  description: 'Compare stages, actions and CodeBuild projects: CdkBackendPipeline defaults vs pipelines.CodePipeline defaults',
  exec: 'ts-node --project test/tsconfig.json scripts/bench-backend-pipeline.ts',
});

project.addTask('bench:asset-publishing', {
  description: 'Count the backend pipeline\'s asset publishing builds, installs and cdk-assets processes per push at 1/10/30 functions and 1/3 environments, before (plain CDK Pipelines) and after, and time an unchanged publish against moto',
  exec: 'ts-node --project test/tsconfig.json scripts/bench-asset-publishing.ts',
});

project.addTask('bench:platform', {
  description: 'Benchmark the sample platform: cdk synth time TypeScript vs Python, template sizes, pipeline actions, package sizes',
  exec: 'ts-node --project test/tsconfig.json scripts/bench-platform.ts',
});

const synthExample = project.addTask('synth-example', {
  description: 'Synthesize examples/typescript with the AWS CDK CLI (both pipelines on) to cdk.out and print what it made and its fixed monthly cost',
  exec: 'ts-node --project test/tsconfig.json examples/synth-example.ts',
});

// aws-cdk-lib throws on any deprecated API it is called with: the library must not call one (a consumer running
// with JSII_DEPRECATED=fail would break), so every suite runs that way.
for (const task of [project.testTask, testPython, testDeploy, synthExample]) {
  task.env('JSII_DEPRECATED', 'fail');
}

const check = project.addTask('check', {
  description: 'The whole check: compile, unit tests, lint, API.md, npm and Python packages, Python end-to-end',
});
check.env('JSII_DEPRECATED', 'fail');
const side = (...tasks: string[]) => `'${tasks.join(' && ')}'`;
// The tools (pip, a venv, apt: mostly downloads) are installed while jsii builds and makes the npm and Python
// packages once (`build` packages only npm when CI is set, both otherwise).
const build = ['default', 'pre-compile', 'compile', 'post-compile', 'package-all'].map((step) => `projen ${step}`);
check.exec(`bash scripts/side-by-side.sh ${side(`projen ${setupTools.name}`)} ${side(...build)}`,
  { name: 'setup:tools | build and package (side by side)' });
// Then the suites in three streams side by side: on 2 cores jest keeps one busy (one worker), while the
// end-to-end suites mostly wait for subprocesses (npm, vite, the AWS CLI, moto, Chromium, synths). jest's slowest
// files run in the other streams (measured in CI's junit reports), so that jest does not end alone.
const beside2 = ['test/examples.compliance.test.ts', 'test/bad-inputs.test.ts'];
const beside3 = ['test/checkov.test.ts', 'test/spa-pipeline.environments.test.ts', 'test/ecom-platform.environments.test.ts'];
const besideJest = [...beside2, ...beside3];
const jestFile = (file: string) => `JEST_JUNIT_OUTPUT_NAME=junit-${path.basename(file, '.test.ts')}.xml jest --ci --coverage=false ${file}`;
const streams = [
  // jest and eslint.
  side(`projen ${project.testTask.name} --testPathIgnorePatterns /node_modules/ ${besideJest.map((f) => `/${f}`).join(' ')}`),
  // ts-jest and the examples' ts-node (--transpile-only) don't type-check: tsc does, here.
  side('tsc --noEmit -p test/tsconfig.json', 'tsc --noEmit -p examples/typescript/tsconfig.json', ...beside2.map(jestFile),
    `projen ${testDeploy.name}`, `projen ${synthExample.name}`),
  // Python through the wheel (needs the packages above).
  side(...beside3.map(jestFile), `projen ${testPython.name}`),
];
check.exec(`bash scripts/side-by-side.sh ${streams.join(' ')}`,
  { name: 'test | tsc, examples compliance, test:deploy, synth-example | checkov, test:python (side by side)' });
// --- Code blocks of README.md and docs/: compiled by jsii-rosetta (strict), Python checked against its translation.
// Needs lib/ and .jsii from the build; caches translations in .cache/rosetta (gitignored).
const rosettaCheck = project.addTask('rosetta:check', {
  description: 'Compile every TypeScript block of README.md and docs/*.md with jsii-rosetta (strict) and check each Python block is its translation',
  exec: 'ts-node --project test/tsconfig.json scripts/rosetta-docs.ts',
});
check.spawn(rosettaCheck);
// In CI the committed generated files (API.md, package.json...) must match what the build just produced.
check.exec('git diff --ignore-space-at-eol --exit-code', {
  condition: 'node -e "if (!process.env.CI) process.exit(1)"',
  name: 'generated files are committed and up to date',
});

project.synth();
