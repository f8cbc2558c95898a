import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pty from '@lydell/node-pty';
import { buildSync } from 'esbuild';
import { appFolder, THREE_PIPELINES_TABLE } from './fake-env';

/**
 * The interactive menu, driven as a person would: `ecom-platform` with no arguments in a pseudo-terminal,
 * choosing "Show pipeline status", reading the table, quitting. The process is the real entry point's
 * environment (readline on the terminal) with only the AWS SDK mocked (menu-harness.ts).
 */
const HARNESS = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ecom-menu-')), 'harness.js');

beforeAll(() => {
  buildSync({ entryPoints: [path.join(__dirname, 'menu-harness.ts')], bundle: true, platform: 'node', outfile: HARNESS, logLevel: 'error' });
});

/** A terminal session: what it printed so far (escape codes removed), typing, and its exit. */
function terminal(cwd: string, args: string[] = []) {
  const term = pty.spawn(process.execPath, [HARNESS, ...args], {
    cwd, cols: 120, rows: 40, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } as Record<string, string>,
  });
  let screen = '';
  term.onData((data) => { screen += data; });
  const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
  // The exit code, or a failure after 20 s (so that `finally` kills the terminal instead of a hung test).
  const exit = (async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the command did not exit; the terminal shows:\n${screen}`)), 20_000);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  });
  return {
    // eslint-disable-next-line no-control-regex
    screen: () => screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, ''),
    type: (text: string) => term.write(text),
    exit,
    kill: () => term.kill(),
    /** Resolves when `predicate` holds for the screen; fails with the screen after 20 s. */
    waitFor: async (predicate: (s: string) => boolean, what: string) => {
      const started = Date.now();
      while (!predicate(screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, ''))) {
        if (Date.now() - started > 20_000) {
          throw new Error(`timed out waiting for ${what}; the terminal shows:\n${screen}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

const PROMPT = 'Choose an option: ';
const count = (s: string, part: string) => s.split(part).length - 1;

test('choosing "Show pipeline status" in the menu shows the status table, then q quits with exit 0', async () => {
  const term = terminal(appFolder());
  try {
    await term.waitFor((s) => s.includes(PROMPT), 'the menu');
    expect(term.screen()).toContain([
      '  1) Deploy backend pipeline (E-Com67-BackendPipelineStack)',
      '  2) Deploy frontend stack (E-Com67-FrontendStack)',
      '  3) Deploy frontend pipelines',
      '  4) Destroy old pipeline stack (E-Com67-PipelineStack)',
      '  5) Show pipeline status',
      '  6) Deploy all (backend pipeline, frontend stack, frontend pipelines)',
      '  7) Doctor: check prerequisites',
      '  8) Show an app\'s releases',
      '  9) Roll back an app to its previous release',
      '  q) Quit',
    ].join('\n'));

    term.type('5\r');
    await term.waitFor((s) => count(s, PROMPT) === 2, 'the menu again after the status');
    const afterChoice = term.screen().slice(term.screen().indexOf(`${PROMPT}5`));
    expect(afterChoice).toContain(THREE_PIPELINES_TABLE);
    expect(afterChoice).toContain('Done.');

    term.type('42\r');
    await term.waitFor((s) => s.includes('"42" is not an option.'), 'the refusal of 42');
    term.type('q\r');
    expect(await term.exit()).toBe(0);
  } finally {
    term.kill();
  }
});

test('"Deploy all" from the menu runs the app\'s CDK CLI four times on the terminal (the monitoring stacks last), then the menu comes back', async () => {
  const app = appFolder();
  // A stand-in CDK CLI that says what it was asked.
  fs.writeFileSync(path.join(app, 'node_modules', '.bin', 'cdk'), '#!/bin/sh\necho "stand-in cdk: $*"\n', { mode: 0o755 });
  const term = terminal(app);
  try {
    await term.waitFor((s) => s.includes(PROMPT), 'the menu');
    term.type('6\r');
    await term.waitFor((s) => count(s, PROMPT) === 2, 'the menu again after deploying');
    const screen = term.screen();
    expect(screen).toContain('==> Step 1/4: Backend pipeline (E-Com67-BackendPipelineStack)');
    expect(screen).toContain('stand-in cdk: deploy E-Com67-BackendPipelineStack --require-approval never --context ecom:backendPipeline=true --context ecom:frontendPipelines=true');
    expect(screen).toContain('stand-in cdk: deploy E-Com67-FrontendStack --require-approval never');
    expect(screen).toContain('stand-in cdk: deploy E-Com67-AdminPipelineStack E-Com67-CustomerPipelineStack --require-approval never');
    expect(screen).toMatch(/Frontend pipelines  ok +\d+s +E-Com67-AdminPipelineStack E-Com67-CustomerPipelineStack/);
    expect(screen).toContain('stand-in cdk: deploy E-Com67-MonitoringStack E-Com67-EdgeMonitoringStack --require-approval never');
    term.type('q\r');
    expect(await term.exit()).toBe(0);
  } finally {
    term.kill();
  }
});

test('status --watch redraws until Ctrl-C, which ends it at once with exit 130', async () => {
  const term = terminal(appFolder(), ['status', '--watch', '--interval', '3600']);
  try {
    await term.waitFor((s) => s.includes('! Error calling startBuild: npm ci exited with 1'), 'the table');
    expect(term.screen()).toContain('every 3600s, Ctrl-C to stop');
    const started = Date.now();
    term.type('\x03');
    expect(await term.exit()).toBe(130);
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    term.kill();
  }
});

test('Ctrl-D at the menu ends the session with exit 0', async () => {
  const term = terminal(appFolder());
  try {
    await term.waitFor((s) => s.includes(PROMPT), 'the menu');
    term.type('\x04');
    expect(await term.exit()).toBe(0);
  } finally {
    term.kill();
  }
});
