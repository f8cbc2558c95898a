import * as fs from 'fs';
import * as path from 'path';
import { DeleteStackCommand, DescribeStacksCommand, GetTemplateCommand, Stack } from '@aws-sdk/client-cloudformation';
import { appFolder, fakeEnv, mockAws, stackMissing } from './fake-env';

const LEGACY: Stack = { StackName: 'E-Com67-PipelineStack', StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/E-Com67-PipelineStack/1', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date('2025-01-01T00:00:00Z') };
const TEMPLATE = '{"Resources":{"Pipeline":{"Type":"AWS::CodePipeline::Pipeline"}}}';

/** The old stack exists until DeleteStack, then is DELETE_IN_PROGRESS once and gone. */
function legacyStack() {
  const aws = mockAws();
  let deleted = false;
  let polls = 0;
  aws.cloudFormation.on(DescribeStacksCommand).callsFake(async () => {
    if (!deleted) {
      return { Stacks: [LEGACY] };
    }
    if (++polls === 1) {
      return { Stacks: [{ ...LEGACY, StackStatus: 'DELETE_IN_PROGRESS' as const }] };
    }
    throw stackMissing(LEGACY.StackId!);
  });
  aws.cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: TEMPLATE });
  aws.cloudFormation.on(DeleteStackCommand).callsFake(async () => { deleted = true; return {}; });
  return aws;
}

function backups(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith('E-Com67-PipelineStack-backup-'));
}

describe('ecom-platform destroy-legacy', () => {
  test('--yes: writes the backup (describe-stacks and template) before deleting, then waits for the deletion', async () => {
    const aws = legacyStack();
    const app = appFolder();
    aws.cloudFormation.on(DeleteStackCommand).callsFake(async () => {
      // The backup is on disk by the time the stack is deleted.
      const [file] = backups(app);
      const backup = JSON.parse(fs.readFileSync(path.join(app, file), 'utf8'));
      expect(backup.describeStacks.Stacks[0]).toMatchObject({ StackName: 'E-Com67-PipelineStack', StackStatus: 'UPDATE_COMPLETE' });
      expect(backup.template).toBe(TEMPLATE);
      expect(backup.region).toBe('eu-west-1');
      aws.cloudFormation.on(DescribeStacksCommand).rejects(stackMissing(LEGACY.StackId!));
      return {};
    });
    const cli = fakeEnv({ cwd: app });
    expect(await cli.run(['destroy-legacy', '--yes'])).toBe(0);
    expect(aws.cloudFormation.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([{ StackName: 'E-Com67-PipelineStack' }]);
    expect(backups(app)).toEqual(['E-Com67-PipelineStack-backup-2026-11-26T14-00-00-000Z.json']);
    expect(cli.stdout()).toContain(`Backed up E-Com67-PipelineStack (UPDATE_COMPLETE) to ${path.join(app, backups(app)[0])}`);
    expect(cli.stdout()).toContain('Deleted E-Com67-PipelineStack.');
    expect(cli.questions).toEqual([]);
  });

  test('not on a terminal and no --yes: refuses before any AWS call, exit 1', async () => {
    const aws = legacyStack();
    const app = appFolder();
    const cli = fakeEnv({ cwd: app, interactive: false });
    expect(await cli.run(['destroy-legacy'])).toBe(1);
    expect(cli.stderr()).toBe('ecom-platform: refusing to delete E-Com67-PipelineStack without confirmation: not on a terminal, so pass --yes\n');
    expect(aws.cloudFormation.calls()).toHaveLength(0);
    expect(backups(app)).toEqual([]);
  });

  test('on a terminal: deletes only when the stack name is typed back; the backup is kept either way', async () => {
    const aws = legacyStack();
    const app = appFolder();
    const refused = fakeEnv({ cwd: app, interactive: true, answers: ['y'] });
    expect(await refused.run(['destroy-legacy'])).toBe(1);
    expect(refused.questions).toEqual(['Type the stack name (E-Com67-PipelineStack) to delete it: ']);
    expect(refused.stdout()).toContain('Not deleted: the answer was not "E-Com67-PipelineStack".');
    expect(aws.cloudFormation.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(backups(app)).toHaveLength(1);

    const confirmed = fakeEnv({ cwd: app, interactive: true, answers: ['E-Com67-PipelineStack'] });
    confirmed.cliEnv.now = () => new Date('2026-11-26T15:00:00Z');
    expect(await confirmed.run(['destroy-legacy', '--stack', 'E-Com67-PipelineStack'])).toBe(0);
    expect(aws.cloudFormation.commandCalls(DeleteStackCommand)).toHaveLength(1);
    expect(backups(app)).toHaveLength(2);
  });

  test('--stack and --backup: another stack, backed up where asked; an existing backup file is never overwritten', async () => {
    const aws = mockAws();
    aws.cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [{ ...LEGACY, StackName: 'Old-CiStack' }] });
    aws.cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: TEMPLATE });
    const app = appFolder();
    fs.writeFileSync(path.join(app, 'taken.json'), 'keep me');
    const cli = fakeEnv({ cwd: app });
    expect(await cli.run(['destroy-legacy', '--stack', 'Old-CiStack', '--backup', 'taken.json', '--yes'])).toBe(2);
    expect(cli.stderr()).toBe(`ecom-platform: invalid --backup "taken.json": ${path.join(app, 'taken.json')} already exists, and a backup never overwrites a file; give a new file name\n`);
    expect(fs.readFileSync(path.join(app, 'taken.json'), 'utf8')).toBe('keep me');
    // Refused before anything was read.
    expect(aws.cloudFormation.calls()).toHaveLength(0);
  });

  test('no such stack: nothing to delete, exit 0, no backup', async () => {
    const aws = mockAws();
    aws.cloudFormation.on(DescribeStacksCommand).rejects(stackMissing('E-Com67-PipelineStack'));
    const app = appFolder();
    const cli = fakeEnv({ cwd: app });
    expect(await cli.run(['destroy-legacy', '--yes'])).toBe(0);
    expect(cli.stdout()).toBe('E-Com67-PipelineStack does not exist in eu-west-1: nothing to delete.\n');
    expect(backups(app)).toEqual([]);
  });

  test('a failed deletion is an error with CloudFormation\'s reason', async () => {
    const aws = mockAws();
    let deleted = false;
    aws.cloudFormation.on(DescribeStacksCommand).callsFake(async () => ({
      Stacks: [deleted ? { ...LEGACY, StackStatus: 'DELETE_FAILED' as const, StackStatusReason: 'The bucket you tried to delete is not empty' } : LEGACY],
    }));
    aws.cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: TEMPLATE });
    aws.cloudFormation.on(DeleteStackCommand).callsFake(async () => { deleted = true; return {}; });
    const cli = fakeEnv({ cwd: appFolder() });
    expect(await cli.run(['destroy-legacy', '--yes'])).toBe(1);
    expect(cli.stderr()).toBe('ecom-platform: deleting E-Com67-PipelineStack failed: The bucket you tried to delete is not empty\n');
  });
});
