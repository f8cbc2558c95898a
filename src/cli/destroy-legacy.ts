import * as fs from 'fs';
import * as path from 'path';
import { DeleteStackCommand, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { showValue } from './args';
import { AwsClients, CliEnv, CliError, messageOf, UsageError } from './env';
import { Platform } from './platform';
import { describeStack, isStackMissing } from './stacks';

/** How often the deletion is polled. */
const POLL_MS = 5000;
/** How long the deletion may take before the CLI stops waiting (it goes on in CloudFormation). */
const MAX_WAIT_MS = 60 * 60 * 1000;

/**
 * Backs up the old pipeline stack (`describe-stacks` and its template) to a file, then deletes it once
 * confirmed: `--yes`, or the stack's name typed at the terminal. Without a terminal and without `--yes` it
 * refuses before touching anything. Resolves to the exit code.
 */
export async function destroyLegacy(platform: Platform, cliEnv: CliEnv, clients: AwsClients,
  options: { yes: boolean; backup?: string }): Promise<number> {
  const stackName = platform.legacyStackName;
  if (!options.yes && !cliEnv.interactive) {
    throw new CliError(`refusing to delete ${stackName} without confirmation: not on a terminal, so pass --yes`);
  }
  if (options.backup !== undefined) {
    // Refused before anything is read or deleted: the backup is what makes the deletion safe.
    const file = path.resolve(cliEnv.cwd, options.backup);
    if (fs.existsSync(file)) {
      throw new UsageError(`invalid --backup ${showValue(options.backup)}: ${file} already exists, and a backup never overwrites a file; give a new file name`);
    }
    if (!fs.existsSync(path.dirname(file)) || !fs.statSync(path.dirname(file)).isDirectory()) {
      throw new UsageError(`invalid --backup ${showValue(options.backup)}: the folder ${path.dirname(file)} does not exist; create it or give another path`);
    }
  }
  const stack = await describeStack(clients, stackName);
  if (!stack) {
    cliEnv.out.write(`${stackName} does not exist in ${await clients.region() ?? 'this region'}: nothing to delete.\n`);
    return 0;
  }

  const template = await clients.cloudFormation.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }));
  const takenAt = cliEnv.now();
  const backupFile = path.resolve(cliEnv.cwd, options.backup ?? `${stackName}-backup-${takenAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const backup = {
    stackName,
    region: await clients.region(),
    takenAt: takenAt.toISOString(),
    describeStacks: { Stacks: [stack] },
    template: template.TemplateBody,
  };
  try {
    fs.writeFileSync(backupFile, JSON.stringify(backup, null, 2) + '\n', { flag: 'wx' });
  } catch (error) {
    throw new CliError(`could not write the backup ${backupFile} (${messageOf(error)}), so ${stackName} was not deleted`);
  }
  cliEnv.out.write(`Backed up ${stackName} (${stack.StackStatus}) to ${backupFile}\n`);

  if (!options.yes) {
    cliEnv.out.write(`Deleting ${stackName} deletes every resource it holds, except those it retains.\n`);
    const answer = await cliEnv.ask(`Type the stack name (${stackName}) to delete it: `);
    if (answer?.trim() !== stackName) {
      cliEnv.out.write(`Not deleted: the answer was not "${stackName}".\n`);
      return 1;
    }
  }

  await clients.cloudFormation.send(new DeleteStackCommand({ StackName: stackName }));
  cliEnv.out.write(`Deleting ${stackName}...\n`);
  const started = cliEnv.now().getTime();
  while (!cliEnv.signal.aborted && cliEnv.now().getTime() - started < MAX_WAIT_MS) {
    await cliEnv.sleep(POLL_MS);
    let status: string | undefined;
    try {
      status = (await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stack.StackId ?? stackName }))).Stacks?.[0]?.StackStatus;
    } catch (error) {
      if (!isStackMissing(error)) {
        throw error;
      }
      status = 'DELETE_COMPLETE';
    }
    if (status === 'DELETE_COMPLETE') {
      cliEnv.out.write(`Deleted ${stackName}. Resources it retained (such as S3 buckets) are still there; the backup lists them.\n`);
      return 0;
    }
    if (status === 'DELETE_FAILED') {
      const described = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stack.StackId ?? stackName }));
      const reason = described.Stacks?.[0]?.StackStatusReason;
      throw new CliError(`deleting ${stackName} failed: ${reason ?? 'see its events in the CloudFormation console'}`);
    }
  }
  cliEnv.out.write(`Stopped waiting: ${stackName} is still being deleted by CloudFormation.\n`);
  return 1;
}
