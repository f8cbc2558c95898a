import { UsageError } from './env';

export const COMMANDS = ['doctor', 'deploy', 'status', 'destroy-legacy', 'help'] as const;
export type Command = typeof COMMANDS[number];

export const DEPLOY_TARGETS = ['backend-pipeline', 'frontend', 'frontend-pipelines', 'all'] as const;
export type DeployTarget = typeof DEPLOY_TARGETS[number];

/** The parsed command line. */
export interface Args {
  /** Undefined: no command (the menu on a terminal). */
  readonly command?: Command;
  readonly target?: DeployTarget;
  readonly app?: string;
  readonly project?: string;
  readonly prefix?: string;
  readonly apps?: string[];
  readonly region?: string;
  readonly profile?: string;
  readonly connectionArn?: string;
  readonly stack?: string;
  readonly backup?: string;
  readonly json: boolean;
  readonly watch: boolean;
  readonly interval: number;
  readonly waitMinutes: number;
  readonly yes: boolean;
  readonly version: boolean;
}

/** Options taking a value, by flag, with the Args field they set. */
const VALUE_OPTIONS: Record<string, keyof Args> = {
  '--app': 'app',
  '--project': 'project',
  '--prefix': 'prefix',
  '--apps': 'apps',
  '--region': 'region',
  '--profile': 'profile',
  '--connection-arn': 'connectionArn',
  '--stack': 'stack',
  '--backup': 'backup',
  '--interval': 'interval',
  '--wait-minutes': 'waitMinutes',
};
const FLAG_OPTIONS: Record<string, keyof Args> = {
  '--json': 'json',
  '--watch': 'watch',
  '--yes': 'yes',
  '-y': 'yes',
  '--help': 'command',
  '-h': 'command',
  '--version': 'version',
};

/** Which options each command takes, besides the common ones. */
const COMMAND_OPTIONS: Record<Command, string[]> = {
  'doctor': ['--connection-arn'],
  'deploy': ['--wait-minutes', '--interval'],
  'status': ['--json', '--watch', '--interval'],
  'destroy-legacy': ['--stack', '--backup', '--yes', '-y'],
  'help': [],
};
const COMMON_OPTIONS = ['--app', '--project', '--prefix', '--apps', '--region', '--profile', '--help', '-h', '--version'];

export const USAGE = `Usage: ecom-platform [command] [options]

Operate a cdk-ecom-platform (EcomPlatform) app: run it in the CDK app's folder.

Commands:
  doctor                       check Node.js, the CDK CLI, AWS credentials, region, bootstrap, source and stacks
  deploy <target>              cdk deploy, pipeline mode: backend-pipeline | frontend | frontend-pipelines | all
                               (all, on a first deployment: waits for the backend pipeline to write the API URL)
  status [--json | --watch]    each pipeline stage's latest status, change time, source revision and failure
  destroy-legacy               back up, then delete the old pipeline stack (<prefix>-PipelineStack)
  (none, on a terminal)        the interactive menu

Options:
  --app <folder>               the CDK app's folder (default: the current folder)
  --project <name>             project name (default: cdk.json context ecom:projectName, else e-com67)
  --prefix <prefix>            stack prefix (default: cdk.json context ecom:stackPrefix, else E-Com67)
  --apps <a,b>                 frontend app names (default: context ecom:apps, else admin-dashboard,customer-app)
  --region <region>            AWS region (default: AWS_REGION or the profile's)
  --profile <name>             AWS profile (default: AWS_PROFILE or default)
  --connection-arn <arn>       doctor: check this CodeConnections connection instead of the CodeCommit repository
  --json                       status: print JSON, for scripts
  --watch                      status: redraw every --interval seconds until Ctrl-C
  --interval <seconds>         status --watch: how often it redraws; deploy all: how often it checks the API URL (default 10)
  --wait-minutes <minutes>     deploy all: how long to wait for the backend pipeline to write the API URL (default 30)
  --stack <name>               destroy-legacy: the stack to delete (default: <prefix>-PipelineStack)
  --backup <file>              destroy-legacy: where to write the backup (default: <stack>-backup-<time>.json)
  --yes, -y                    destroy-legacy: delete without asking (for scripts)
`;

/** Parses the arguments after `ecom-platform`; throws UsageError on anything it does not know. */
export function parseArgs(argv: string[]): Args {
  const values: Record<string, unknown> = { json: false, watch: false, yes: false, version: false, interval: 10, waitMinutes: 30 };
  const positional: string[] = [];
  const seen: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    seen.push(flag);
    if (flag in VALUE_OPTIONS) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('-'))) {
        throw new UsageError(`${flag} needs a value`);
      }
      values[VALUE_OPTIONS[flag]] = value;
    } else if (flag in FLAG_OPTIONS && inline === undefined) {
      values[FLAG_OPTIONS[flag]] = FLAG_OPTIONS[flag] === 'command' ? 'help' : true;
    } else {
      throw new UsageError(`unknown option ${flag} (see ecom-platform --help)`);
    }
  }

  if (values.command === 'help') {
    return { ...values, command: 'help' } as unknown as Args;
  }
  const [name, target, ...extra] = positional;
  if (name !== undefined && !(COMMANDS as readonly string[]).includes(name)) {
    throw new UsageError(`unknown command "${name}": use one of ${COMMANDS.join(', ')}`);
  }
  const command = name as Command | undefined;
  if (command === 'deploy') {
    if (target === undefined) {
      throw new UsageError(`deploy needs a target: ${DEPLOY_TARGETS.join(' | ')}`);
    }
    if (!(DEPLOY_TARGETS as readonly string[]).includes(target)) {
      throw new UsageError(`unknown deploy target "${target}": use one of ${DEPLOY_TARGETS.join(', ')}`);
    }
    values.target = target;
  } else if (target !== undefined) {
    throw new UsageError(`unexpected argument "${target}"${command ? ` after ${command}` : ''}`);
  }
  if (extra.length > 0) {
    throw new UsageError(`unexpected argument "${extra[0]}"`);
  }
  if (command !== undefined) {
    const allowed = [...COMMON_OPTIONS, ...COMMAND_OPTIONS[command]];
    const wrong = seen.find((flag) => !allowed.includes(flag));
    if (wrong) {
      throw new UsageError(`${wrong} does not apply to ${command}`);
    }
  }
  if (values.watch && values.json) {
    throw new UsageError('--watch redraws a table for people and --json prints once for scripts: use one of them');
  }
  const interval = Number(values.interval);
  if (!Number.isInteger(interval) || interval < 1 || interval > 3600) {
    throw new UsageError(`--interval must be a whole number of seconds from 1 to 3600, not "${values.interval}"`);
  }
  values.interval = interval;
  const waitMinutes = Number(values.waitMinutes);
  if (!Number.isInteger(waitMinutes) || waitMinutes < 1 || waitMinutes > 1440) {
    throw new UsageError(`--wait-minutes must be a whole number of minutes from 1 to 1440, not "${values.waitMinutes}"`);
  }
  values.waitMinutes = waitMinutes;
  if (typeof values.apps === 'string') {
    values.apps = values.apps.split(',').map((a) => a.trim()).filter((a) => a.length > 0);
  }
  return { ...values, command } as unknown as Args;
}
