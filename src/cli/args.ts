import { UsageError } from './env';
import { isStackName } from '../private/naming-rules';
import { hasTerminalControls, terminalSafe } from '../private/text';
import { releaseIdProblem } from '../release';

export const COMMANDS = ['doctor', 'deploy', 'status', 'destroy-legacy', 'releases', 'rollback', 'help'] as const;
export type Command = typeof COMMANDS[number];

export const DEPLOY_TARGETS = ['backend-pipeline', 'frontend', 'frontend-pipelines', 'all'] as const;
export type DeployTarget = typeof DEPLOY_TARGETS[number];

/** The parsed command line. */
export interface Args {
  /** Undefined: no command (the menu on a terminal). */
  readonly command?: Command;
  /** `help <command>` or `<command> --help`: the command whose help to print. */
  readonly helpTopic?: Command;
  readonly target?: DeployTarget;
  /** `releases <app>`, `rollback <app>`: the frontend app (one of the platform's apps). */
  readonly appName?: string;
  /** `rollback --to <id>`: the release to make live (default: the previous one). */
  readonly to?: string;
  /** `rollback --no-wait`: return once the store is written, without waiting for the edge to serve it. */
  readonly noWait: boolean;
  /** `--env <name>`: one of the platform's environments (cdk.json context ecom:environments). */
  readonly env?: string;
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

/** An option: its flag, the Args field it sets, and for one taking a value what it accepts. */
interface OptionSpec {
  readonly flag: string;
  readonly field: keyof Args;
  /** `<seconds>`: the option takes a value. */
  readonly placeholder?: string;
  /** What is accepted, for messages: `a whole number of seconds from 1 to 3600`. */
  readonly accepts?: string;
  /** The problem with a value, or undefined when it is fine (further checks run once the app folder is known). */
  readonly check?: (value: string) => string | undefined;
  /** The commands it applies to; undefined: every command. */
  readonly commands?: Command[];
  readonly help: string;
}

/** AWS region names: `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `eu-isoe-west-1`. */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const PROFILE = /^[A-Za-z0-9_.+@:/-]{1,128}$/;
const CONNECTION_ARN = /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[A-Za-z0-9-]{1,64}$/;
const REGION_ACCEPTS = 'a region name such as eu-west-1';
const PROFILE_ACCEPTS = 'a profile name of letters, digits and . _ - + @ : /';
const CONNECTION_ACCEPTS = 'a CodeConnections connection ARN, arn:aws:codeconnections:<region>:<account>:connection/<id>';

function wholeNumber(min: number, max: number) {
  return (value: string) => (/^\d{1,6}$/.test(value) && Number(value) >= min && Number(value) <= max ? undefined : 'not a whole number in range');
}

const OPTIONS: OptionSpec[] = [
  { flag: '--app', field: 'app', placeholder: '<folder>', accepts: 'the CDK app\'s folder', help: 'the CDK app\'s folder (default: the current folder)' },
  { flag: '--project', field: 'project', placeholder: '<name>', accepts: 'a project name such as e-com67', help: 'project name (default: cdk.json context ecom:projectName, else e-com67)' },
  { flag: '--prefix', field: 'prefix', placeholder: '<prefix>', accepts: 'a stack prefix such as E-Com67', help: 'stack prefix (default: cdk.json context ecom:stackPrefix, else E-Com67)' },
  {
    flag: '--apps',
    field: 'apps',
    placeholder: '<a,b>',
    accepts: 'app names separated by commas, such as admin-dashboard,customer-app',
    check: (value) => {
      const names = value.split(',').map((a) => a.trim());
      if (names.some((a) => a.length === 0)) {
        return 'it has an empty name';
      }
      const twice = names.find((a, i) => names.indexOf(a) !== i);
      return twice ? `it lists "${twice}" twice` : undefined;
    },
    help: 'frontend app names (default: context ecom:apps, else admin-dashboard,customer-app)',
  },
  { flag: '--region', field: 'region', placeholder: '<region>', accepts: REGION_ACCEPTS, check: (v) => (REGION.test(v) ? undefined : 'not a region name'), help: 'AWS region (default: AWS_REGION or the profile\'s)' },
  { flag: '--profile', field: 'profile', placeholder: '<name>', accepts: PROFILE_ACCEPTS, check: (v) => (PROFILE.test(v) ? undefined : 'not a profile name'), help: 'AWS profile (default: AWS_PROFILE or default)' },
  {
    flag: '--connection-arn',
    field: 'connectionArn',
    placeholder: '<arn>',
    accepts: CONNECTION_ACCEPTS,
    check: (v) => (CONNECTION_ARN.test(v) ? undefined : 'not a connection ARN'),
    commands: ['doctor'],
    help: 'check this CodeConnections connection instead of the CodeCommit repository',
  },
  { flag: '--json', field: 'json', commands: ['status', 'releases'], help: 'print JSON, for scripts' },
  { flag: '--watch', field: 'watch', commands: ['status'], help: 'redraw every --interval seconds until Ctrl-C' },
  {
    flag: '--interval',
    field: 'interval',
    placeholder: '<seconds>',
    accepts: 'a whole number of seconds from 1 to 3600',
    check: wholeNumber(1, 3600),
    commands: ['status', 'deploy'],
    help: 'how often status --watch redraws, and deploy all checks the API URL (default 10)',
  },
  {
    flag: '--wait-minutes',
    field: 'waitMinutes',
    placeholder: '<minutes>',
    accepts: 'a whole number of minutes from 1 to 1440',
    check: wholeNumber(1, 1440),
    commands: ['deploy'],
    help: 'how long deploy all waits for the backend pipeline to write the API URL (default 30)',
  },
  {
    flag: '--stack',
    field: 'stack',
    placeholder: '<name>',
    accepts: 'a CloudFormation stack name: letters, digits and hyphens starting with a letter, at most 128',
    check: (v) => (isStackName(v) ? undefined : 'not a stack name'),
    commands: ['destroy-legacy'],
    help: 'the stack to delete (default: <prefix>-PipelineStack)',
  },
  {
    flag: '--backup',
    field: 'backup',
    placeholder: '<file>',
    accepts: 'the path of a new file',
    check: (v) => (/[\\/]$/.test(v) ? 'it names a folder' : undefined),
    commands: ['destroy-legacy'],
    help: 'where to write the backup (default: <stack>-backup-<time>.json)',
  },
  {
    flag: '--to',
    field: 'to',
    placeholder: '<id>',
    accepts: 'a release id such as 0123456-42 (ecom-platform releases <app> lists them)',
    check: (v) => (releaseIdProblem(v) === undefined ? undefined : 'not a release id'),
    commands: ['rollback'],
    help: 'the release to make live (default: the one live before the last switch)',
  },
  { flag: '--no-wait', field: 'noWait', commands: ['rollback'], help: 'return once the switch is written, without waiting for the site to serve it' },
  { flag: '--yes', field: 'yes', commands: ['destroy-legacy', 'rollback'], help: 'go ahead without asking (for scripts)' },
  { flag: '-y', field: 'yes', commands: ['destroy-legacy', 'rollback'], help: 'the same as --yes' },
  {
    flag: '--env',
    field: 'env',
    placeholder: '<name>',
    accepts: 'an environment name such as dev, staging or prod (cdk.json context ecom:environments)',
    check: (v) => (/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(v) && v.length <= 16 ? undefined : 'not an environment name'),
    commands: ['status', 'deploy', 'doctor', 'releases', 'rollback'],
    help: 'one of the platform\'s environments (cdk.json context ecom:environments)',
  },
  { flag: '--help', field: 'helpTopic', help: 'this help; `<command> --help`: the command\'s' },
  { flag: '-h', field: 'helpTopic', help: 'the same as --help' },
  { flag: '--version', field: 'version', help: 'the package\'s version' },
];
const BY_FLAG = new Map(OPTIONS.map((o) => [o.flag, o]));

/** Each command: its synopsis and what it does, for the global and the per-command help. */
const COMMAND_HELP: Record<Exclude<Command, 'help'>, { synopsis: string; short: string; summary: string; details: string }> = {
  'doctor': {
    short: 'doctor',
    synopsis: 'doctor [--connection-arn <arn>]',
    summary: 'check Node.js, the CDK CLI, AWS credentials, region, bootstrap, source and stacks',
    details: 'Checks Node.js, cdk.json, the CDK CLI, AWS credentials (STS), the region, the CDKToolkit bootstrap stack, the\n'
      + 'CodeCommit repository (or the --connection-arn connection), the API URL parameter and which of the platform\'s\n'
      + 'stacks exist. Each problem comes with its fix. Only reads. With environments (context ecom:environments), each\n'
      + 'environment\'s bootstrap (or --env\'s), with the exact cdk bootstrap --trust command for another account.',
  },
  'deploy': {
    short: 'deploy <target>',
    synopsis: 'deploy <backend-pipeline | frontend | frontend-pipelines | all> [--wait-minutes <minutes>] [--interval <seconds>]',
    summary: 'cdk deploy, pipeline mode: backend-pipeline | frontend | frontend-pipelines | all',
    details: 'Runs the app\'s CDK CLI with the target\'s stacks in pipeline mode (--require-approval never), under a step\n'
      + 'header, then prints a summary. all: backend pipeline, frontend stack, frontend pipelines; on a first\n'
      + 'deployment it waits for the backend pipeline to write the API URL parameter. Stops at the first failure.\n'
      + 'With environments, frontend and all deploy every environment\'s frontend stack, or --env\'s only.',
  },
  'status': {
    short: 'status [--json | --watch]',
    synopsis: 'status [--json | --watch [--interval <seconds>]]',
    summary: 'each pipeline stage\'s latest status, change time, source revision and failure',
    details: 'Each pipeline stage\'s latest status, when it last changed, the source revision of its execution and, under a\n'
      + 'failed stage, the failed action\'s message. Only reads. With environments, the commit each environment runs\n'
      + '(--env: one environment\'s stages and commit).',
  },
  'destroy-legacy': {
    short: 'destroy-legacy',
    synopsis: 'destroy-legacy [--stack <name>] [--backup <file>] [--yes]',
    summary: 'back up, then delete the old pipeline stack (<prefix>-PipelineStack)',
    details: 'Writes describe-stacks and the template of the old pipeline stack to a backup file, then deletes the stack once\n'
      + 'you type its name (or with --yes), and waits for the deletion. Without a terminal and without --yes it refuses.',
  },
  'releases': {
    short: 'releases <app> [--json]',
    synopsis: 'releases <app> [--json]',
    summary: 'an app\'s kept releases, newest first: id, commit, time, live and previous',
    details: 'Lists the releases kept in the app\'s bucket, newest first: id, commit, build, when it was created, and which one\n'
      + 'is live and which was live before (rollback\'s default). The bucket and store come from the environment of the\n'
      + 'app\'s deploy project (<project>-<app>-deploy; --env: that environment\'s). Only reads.',
  },
  'rollback': {
    short: 'rollback <app> [--to <id>]',
    synopsis: 'rollback <app> [--to <id>] [--yes] [--no-wait]',
    summary: 'make an earlier kept release live: one store write, no build, no upload, no invalidation',
    details: 'Makes the release live before the last switch (or --to <id>, a kept release) live again with one write to the\n'
      + 'app\'s KeyValueStore: nothing is built, uploaded or invalidated. Asks first on a terminal; without a terminal it\n'
      + 'needs --yes. Then waits (up to 5 minutes) until the site serves it and prints the wall time and propagation.\n'
      + 'A release that is already live is not written again (exit 0).',
  },
};

/** The options a command takes besides the common ones; all options for no command (the menu). */
function optionsOf(command: Command | undefined): OptionSpec[] {
  return OPTIONS.filter((o) => !o.commands || command === undefined || o.commands.includes(command));
}

/** One line an option; `withCommands`: prefixed with the commands it applies to (the global help). */
function optionLines(options: OptionSpec[], withCommands: boolean): string {
  const lines = options.filter((o) => !['-y', '-h'].includes(o.flag)).map((o) => {
    const name = o.flag === '--yes' ? '--yes, -y' : o.flag === '--help' ? '--help, -h' : `${o.flag}${o.placeholder ? ` ${o.placeholder}` : ''}`;
    const where = withCommands && o.commands ? `${o.commands.join(', ')}: ` : '';
    return `  ${name.padEnd(27)}  ${where}${o.help}`;
  });
  return lines.join('\n');
}

const EXIT_CODES = 'Exit codes: 0 done; 1 a check, an AWS call or a deployment failed; 2 a mistake in the command line,\ncdk.json or AWS_* variables; 130 stopped with Ctrl-C.';

export const USAGE = `Usage: ecom-platform [command] [options]

Operate a cdk-ecom-platform (EcomPlatform) app: run it in the CDK app's folder.

Commands:
${Object.values(COMMAND_HELP).map((c) => `  ${c.short.padEnd(27)}  ${c.summary}`).join('\n')}
  ${'help <command>'.padEnd(27)}  a command's options (or: <command> --help)
  ${'(none, on a terminal)'.padEnd(27)}  the interactive menu

Options:
${optionLines(OPTIONS, true)}

${EXIT_CODES}
`;

/** The help of one command: its synopsis, what it does, and only the options it takes. */
export function commandUsage(command: Command): string {
  if (command === 'help') {
    return 'Usage: ecom-platform help [command]\n\nPrints the help of a command, or the list of commands.\n';
  }
  const c = COMMAND_HELP[command];
  const own = OPTIONS.filter((o) => o.commands?.includes(command));
  const common = OPTIONS.filter((o) => !o.commands && o.flag !== '--version');
  return `Usage: ecom-platform ${c.synopsis} [options]

${c.details}
${own.length > 0 ? `\nOptions of ${command}:\n${optionLines(own, false)}\n` : ''}
Common options:
${optionLines(common, false)}

${EXIT_CODES}
`;
}

/** A value as a message shows it: quoted, escaped, at most 80 characters. */
export function showValue(value: string): string {
  const shown = terminalSafe(JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value));
  return shown;
}

/** The closest known name, when one is a small typo away. */
export function closest(name: string, known: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate);
    if (distance <= Math.max(1, Math.floor(candidate.length / 4)) && (!best || distance < best.distance)) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** Whether a word after an option that takes a value is another option rather than the value. */
function looksLikeOption(word: string): boolean {
  return word.startsWith('--') || BY_FLAG.has(word);
}

/**
 * Parses the arguments after `ecom-platform`; throws UsageError on anything it does not know, naming the
 * option or argument, the value, and what is accepted. `--help` wins over every other mistake but an unknown
 * command.
 */
export function parseArgs(argv: string[]): Args {
  const values: Record<string, unknown> = { json: false, watch: false, yes: false, version: false, noWait: false };
  const given = new Map<string, string>();
  const positional: string[] = [];
  const seen: string[] = [];
  const problems: Array<(command: Command | undefined) => string> = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (typeof arg !== 'string') {
      problems.push(() => `argument ${i + 1} is not text`);
      continue;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positional.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const spec = BY_FLAG.get(flag);
    if (!spec) {
      const guess = closest(flag, OPTIONS.map((o) => o.flag).filter((f) => f.startsWith('--')));
      problems.push((command) => `unknown option ${showFlag(flag)}${guess ? `: did you mean ${guess}?` : ''} (see ecom-platform ${command ? `${command} ` : ''}--help)`);
      continue;
    }
    seen.push(spec.flag === '-y' ? '--yes' : spec.flag === '-h' ? '--help' : spec.flag);
    if (!spec.placeholder) {
      if (inline !== undefined) {
        problems.push(() => `${flag} takes no value, not ${showValue(inline)}`);
      } else if (spec.field === 'helpTopic') {
        help = true;
      } else {
        values[spec.field] = true;
      }
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || looksLikeOption(next)) {
        problems.push(() => `${flag} needs a value: ${spec.accepts}${next === undefined ? '' : `, not the option ${showFlag(next)}`}`);
        continue;
      }
      value = next;
      i++;
    }
    const previous = given.get(spec.flag);
    if (previous !== undefined) {
      problems.push(() => `${flag} is given twice (${showValue(previous)}, then ${showValue(value!)}): give it once`);
      continue;
    }
    given.set(spec.flag, value);
    const problem = value.trim().length === 0 ? 'it is empty'
      : hasTerminalControls(value) ? 'it holds control characters'
        : spec.check?.(value);
    if (problem) {
      problems.push(() => `invalid ${flag} ${showValue(value!)}: ${problem === 'not a whole number in range' ? 'expected' : `${problem}; expected`} ${spec.accepts}`);
      continue;
    }
    values[spec.field] = spec.field === 'interval' || spec.field === 'waitMinutes' ? Number(value)
      : spec.field === 'apps' ? value.split(',').map((a) => a.trim()) : value;
  }

  const [name, target, ...extra] = positional;
  if (name !== undefined && !(COMMANDS as readonly string[]).includes(name)) {
    const guess = closest(name, [...COMMANDS]);
    throw new UsageError(`unknown command ${showValue(name)}: ${guess ? `did you mean ${guess}? ` : ''}use one of ${COMMANDS.join(', ')}`);
  }
  const command = name as Command | undefined;
  if (command === 'help' || help) {
    const topic = command === 'help' ? target : command;
    if (topic !== undefined && !(COMMANDS as readonly string[]).includes(topic)) {
      throw new UsageError(`unknown command ${showValue(topic)} to help with: use one of ${COMMANDS.join(', ')}`);
    }
    return { ...values, command: 'help', helpTopic: topic as Command | undefined, interval: 10, waitMinutes: 30 } as unknown as Args;
  }
  if (problems.length > 0) {
    throw new UsageError(problems[0](command));
  }
  if (command === 'deploy') {
    if (target === undefined) {
      throw new UsageError(`deploy needs a target: ${DEPLOY_TARGETS.join(' | ')}`);
    }
    if (!(DEPLOY_TARGETS as readonly string[]).includes(target)) {
      const guess = closest(target, [...DEPLOY_TARGETS]);
      throw new UsageError(`unknown deploy target ${showValue(target)}: ${guess ? `did you mean ${guess}? ` : ''}use one of ${DEPLOY_TARGETS.join(', ')}`);
    }
    values.target = target;
  } else if (command === 'releases' || command === 'rollback') {
    if (target === undefined) {
      throw new UsageError(`${command} needs an app: ecom-platform ${command} <app>, such as ${command} admin-dashboard (see ecom-platform ${command} --help)`);
    }
    values.appName = target;
  } else if (target !== undefined) {
    throw new UsageError(`unexpected argument ${showValue(target)}${command ? ` after ${command}: it takes no argument (see ecom-platform ${command} --help)` : ''}`);
  }
  if (extra.length > 0) {
    throw new UsageError(command === 'deploy'
      ? `unexpected argument ${showValue(extra[0])} after deploy ${target}: deploy takes one target`
      : `unexpected argument ${showValue(extra[0])} after ${command} ${showValue(target!)}: ${command} takes one app`);
  }
  if (command !== undefined) {
    const allowed = optionsOf(command).map((o) => o.flag);
    const wrong = seen.find((flag) => !allowed.includes(flag));
    if (wrong) {
      const owners = BY_FLAG.get(wrong)?.commands ?? [];
      throw new UsageError(`${wrong} does not apply to ${command}: it is an option of ${owners.join(' and ')} (see ecom-platform ${command} --help)`);
    }
  }
  if (values.watch && values.json) {
    throw new UsageError('--watch redraws a table for people and --json prints once for scripts: use one of them');
  }
  if (command === 'status' && given.has('--interval') && !values.watch) {
    throw new UsageError(`--interval ${showValue(given.get('--interval')!)} applies to status --watch only: add --watch, or leave --interval out`);
  }
  return { interval: 10, waitMinutes: 30, ...values, command } as unknown as Args;
}

function showFlag(flag: string): string {
  return /^--?[A-Za-z0-9][A-Za-z0-9-]*$/.test(flag) ? flag : showValue(flag);
}
