import { Args, commandUsage, DeployTarget, parseArgs, REGION, showValue, USAGE } from './args';
import { deploy } from './deploy';
import { destroyLegacy } from './destroy-legacy';
import { doctor, renderFindings } from './doctor';
import { CliEnv, CliError, EXIT, InterruptedError, messageOf, UsageError } from './env';
import { guardClients } from './guard';
import { loadPlatform, Platform } from './platform';
import { releases, rollback } from './releases';
import { environmentStatuses, monitoringStatuses, onlyEnvironment, pipelineStatuses, renderEnvironments, renderMonitoring, renderStatus } from './status';
import { formatTime } from './table';
import { hasTerminalControls, terminalSafe } from '../private/text';

/** The only control sequence the CLI writes itself: `status --watch` clears the screen before each redraw. */
const CLEAR_SCREEN = '\x1b[H\x1b[2J';

/** The package's version, set by main from package.json. */
export interface RunInfo {
  readonly version: string;
}

/**
 * Runs `ecom-platform` with the arguments after the command name. Never throws: prints a one-line error
 * (`ecom-platform: ...`) and resolves to the exit code: 0 done, 1 a failure, 2 a usage mistake, 130 Ctrl-C.
 */
export async function runCli(argv: string[], rawEnv: CliEnv, info: RunInfo = { version: '0.0.0' }): Promise<number> {
  const cliEnv = safeEnv(rawEnv);
  try {
    const args = parseArgs(argv);
    if (args.version) {
      cliEnv.out.write(`${info.version}\n`);
      return EXIT.ok;
    }
    if (args.command === 'help') {
      cliEnv.out.write(args.helpTopic ? commandUsage(args.helpTopic) : USAGE);
      return EXIT.ok;
    }
    if (args.command === undefined && !cliEnv.interactive) {
      throw new UsageError('no command given and not on a terminal: use doctor, deploy <target>, status, destroy-legacy, releases <app> or rollback <app> (see --help)');
    }
    checkEnvironment(args, cliEnv.env);
    const platform = loadPlatform(args, cliEnv.cwd);
    const code = args.command === undefined ? await menu(platform, args, cliEnv) : await runCommand(platform, args, cliEnv);
    return cliEnv.signal.aborted ? EXIT.interrupted : code;
  } catch (error) {
    if (cliEnv.signal.aborted || error instanceof InterruptedError) {
      cliEnv.err.write('ecom-platform: stopped (Ctrl-C)\n');
      return EXIT.interrupted;
    }
    if (cliEnv.env.ECOM_PLATFORM_DEBUG && error instanceof Error) {
      cliEnv.err.write(`${error.stack}\n`);
    }
    cliEnv.err.write(`ecom-platform: ${messageOf(error)}\n`);
    return error instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
}

/**
 * The environment as the commands see it: everything written to the terminal made safe (control characters
 * from arguments, commit messages and AWS answers are escaped), and every AWS client ending at once on Ctrl-C
 * and naming an endpoint that is not an AWS API.
 */
function safeEnv(cliEnv: CliEnv): CliEnv {
  return {
    ...cliEnv,
    out: { write: (text) => cliEnv.out.write(text === CLEAR_SCREEN ? text : terminalSafe(text)) },
    err: { write: (text) => cliEnv.err.write(terminalSafe(text)) },
    ask: (question) => cliEnv.ask(terminalSafe(question)),
    clients: (options) => guardClients(cliEnv.clients(options), cliEnv.signal, cliEnv.env),
    // Ctrl-C aborts a request to the site too.
    fetch: (url, init) => cliEnv.fetch(url, { ...init, signal: cliEnv.signal }),
    // Bound: a CliEnv's methods may use `this`.
    sleep: (ms) => cliEnv.sleep(ms),
    now: () => cliEnv.now(),
  };
}

/** AWS SDK variables the clients read when no option overrides them: a wrong value is refused before any call. */
function checkEnvironment(args: Args, env: Record<string, string | undefined>): void {
  const bad = (name: string, value: string, accepts: string, instead: string) =>
    new UsageError(`invalid ${name} ${showValue(value)} in the environment: expected ${accepts}; fix it, unset it, or give ${instead}`);
  if (args.region === undefined && env.AWS_REGION && !REGION.test(env.AWS_REGION)) {
    throw bad('AWS_REGION', env.AWS_REGION, 'a region name such as eu-west-1', '--region');
  }
  if (args.profile === undefined && env.AWS_PROFILE && (hasTerminalControls(env.AWS_PROFILE) || !/^[A-Za-z0-9_.+@:/-]{1,128}$/.test(env.AWS_PROFILE))) {
    throw bad('AWS_PROFILE', env.AWS_PROFILE, 'a profile name of letters, digits and . _ - + @ : /', '--profile');
  }
  for (const [name, value] of Object.entries(env)) {
    if (!/^AWS_ENDPOINT_URL(_[A-Z_]+)?$/.test(name) || !value) {
      continue;
    }
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || hasTerminalControls(value)) {
      throw new UsageError(`invalid ${name} ${showValue(value)} in the environment: expected an http(s) URL such as http://localhost:5000; fix it or unset it`);
    }
  }
}

async function runCommand(platform: Platform, args: Args, cliEnv: CliEnv, target: DeployTarget | undefined = args.target): Promise<number> {
  // An environment's region, unless --region says otherwise (the pipelines are in the same region).
  const clientOptions = { region: args.region ?? platform.environment?.region, profile: args.profile };
  switch (args.command) {
    case 'doctor': {
      const findings = await doctor(platform, cliEnv, cliEnv.clients(clientOptions), clientOptions);
      cliEnv.out.write(renderFindings(findings));
      const failed = findings.filter((f) => f.level === 'fail').length;
      cliEnv.out.write(failed === 0 ? '\nReady to deploy.\n' : `\n${failed} problem${failed === 1 ? '' : 's'} to fix before deploying.\n`);
      return failed === 0 ? 0 : 1;
    }
    case 'deploy':
      return deploy(platform, target!, cliEnv,
        { region: args.region, profile: args.profile, waitMinutes: args.waitMinutes, intervalSeconds: args.interval });
    case 'status':
      return status(platform, args, cliEnv);
    case 'destroy-legacy':
      return destroyLegacy(platform, cliEnv, cliEnv.clients(clientOptions), { yes: args.yes, backup: args.backup });
    case 'releases':
      return releases(platform, cliEnv, cliEnv.clients(clientOptions), { appName: args.appName, json: args.json });
    case 'rollback':
      return rollback(platform, cliEnv, cliEnv.clients(clientOptions), { appName: args.appName, to: args.to, yes: args.yes, wait: !args.noWait });
    default:
      throw new UsageError(`unknown command ${args.command}`);
  }
}

async function status(platform: Platform, args: Args, cliEnv: CliEnv): Promise<number> {
  const clients = cliEnv.clients({ region: args.region ?? platform.environment?.region, profile: args.profile });
  const clientsIn = (region: string) => cliEnv.clients({ region, profile: args.profile });
  const read = async () => {
    const all = await pipelineStatuses(platform, clients);
    return {
      pipelines: onlyEnvironment(platform, all),
      environments: await environmentStatuses(platform, all, clients),
      monitoring: await monitoringStatuses(platform, clients, clientsIn),
    };
  };
  const render = ({ pipelines, environments, monitoring }: Awaited<ReturnType<typeof read>>) =>
    renderStatus(pipelines) + renderEnvironments(environments) + renderMonitoring(monitoring);
  if (args.json) {
    const { pipelines, environments, monitoring } = await read();
    // Without several environments, the JSON of a single-environment platform, plus the monitoring stacks.
    cliEnv.out.write(JSON.stringify({ region: await clients.region(), pipelines, ...(platform.multiEnvironment ? { environments } : {}), monitoring }, null, 2) + '\n');
    return 0;
  }
  if (!args.watch) {
    cliEnv.out.write(render(await read()));
    return 0;
  }
  while (!cliEnv.signal.aborted) {
    const statuses = await read();
    // Clear the screen, then redraw from the top.
    cliEnv.out.write(CLEAR_SCREEN);
    cliEnv.out.write(`Pipelines of ${platform.naming.projectName} in ${await clients.region()}, ${formatTime(cliEnv.now())}; every ${args.interval}s, Ctrl-C to stop\n\n`);
    cliEnv.out.write(render(statuses));
    await cliEnv.sleep(args.interval * 1000);
  }
  return 0;
}

/** The seed's menu, plus doctor, releases and rollback (which ask for the app). */
const MENU: Array<{ key: string; label: (p: Platform) => string; args: Partial<Args> }> = [
  { key: '1', label: (p) => `Deploy backend pipeline (${p.backendPipeline.stackName})`, args: { command: 'deploy', target: 'backend-pipeline' } },
  { key: '2', label: (p) => `Deploy frontend stack (${p.naming.frontendStackName})`, args: { command: 'deploy', target: 'frontend' } },
  { key: '3', label: () => 'Deploy frontend pipelines', args: { command: 'deploy', target: 'frontend-pipelines' } },
  { key: '4', label: (p) => `Destroy old pipeline stack (${p.legacyStackName})`, args: { command: 'destroy-legacy' } },
  { key: '5', label: () => 'Show pipeline status', args: { command: 'status' } },
  { key: '6', label: () => 'Deploy all (backend pipeline, frontend stack, frontend pipelines)', args: { command: 'deploy', target: 'all' } },
  { key: '7', label: () => 'Doctor: check prerequisites', args: { command: 'doctor' } },
  { key: '8', label: () => 'Show an app\'s releases', args: { command: 'releases' } },
  { key: '9', label: () => 'Roll back an app to its previous release', args: { command: 'rollback' } },
];

async function menu(platform: Platform, args: Args, cliEnv: CliEnv): Promise<number> {
  for (;;) {
    cliEnv.out.write(`\ncdk-ecom-platform: ${platform.naming.projectName} (stacks ${platform.naming.stackPrefix}-*) in ${platform.appDir}\n`);
    for (const item of MENU) {
      cliEnv.out.write(`  ${item.key}) ${item.label(platform)}\n`);
    }
    cliEnv.out.write('  q) Quit\n');
    const answer = await cliEnv.ask('Choose an option: ');
    if (answer === undefined || ['q', 'quit', 'exit'].includes(answer.trim().toLowerCase())) {
      return 0;
    }
    const item = MENU.find((m) => m.key === answer.trim());
    if (!item) {
      cliEnv.out.write(`${showValue(answer.trim())} is not an option.\n`);
      continue;
    }
    const choice = { ...args, ...item.args } as Args;
    try {
      const code = await runCommand(platform, choice, cliEnv);
      if (cliEnv.signal.aborted) {
        // Ctrl-C ends the session, not only the command.
        return EXIT.interrupted;
      }
      cliEnv.out.write(code === 0 ? '\nDone.\n' : `\nFinished with exit code ${code}.\n`);
    } catch (error) {
      if (cliEnv.signal.aborted || error instanceof InterruptedError) {
        throw error;
      }
      cliEnv.err.write(`ecom-platform: ${messageOf(error)}\n`);
      if (!(error instanceof CliError) && cliEnv.env.ECOM_PLATFORM_DEBUG && error instanceof Error) {
        cliEnv.err.write(`${error.stack}\n`);
      }
    }
  }
}
