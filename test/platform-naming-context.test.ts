import { App, Aws, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import { EcomPlatform, PlatformNaming, PlatformSource } from '../src';
import { isUnresolvedString } from '../src/private/text';

/**
 * Naming from context: the same `ecom:projectName` / `ecom:stackPrefix` values name the stacks of
 * EcomPlatform (without `naming`) and of the `ecom-platform` CLI (which reads them from cdk.json).
 */
describe('PlatformNaming.fromContext', () => {
  test('E-Com67\'s names without context; the context\'s names with it', () => {
    expect(PlatformNaming.fromContext(new App()).frontendStackName).toBe('E-Com67-FrontendStack');
    const app = new App({ context: { 'ecom:projectName': 'shop', 'ecom:stackPrefix': 'Shop' } });
    const naming = PlatformNaming.fromContext(app);
    expect([naming.projectName, naming.stackPrefix, naming.backendPipelineName]).toEqual(['shop', 'Shop', 'shop-backend-pipeline']);
  });

  test.each([
    [{ 'ecom:projectName': 'Shop' }, /^<app>: invalid `context ecom:projectName` \("Shop"\): it starts bucket names/],
    [{ 'ecom:stackPrefix': 'Shop-' }, /^<app>: invalid `context ecom:stackPrefix` \("Shop-"\): it starts stack names/],
    [{ 'ecom:projectName': 42 }, /^<app>: invalid `context ecom:projectName` \(42\): it must be a string\. Fix: set it to a string, such as "e-com67"$/],
  ])('refuses invalid context %j, naming the context key', (context, message) => {
    expect(() => PlatformNaming.fromContext(new App({ context }))).toThrow(message);
  });

  test('EcomPlatform without naming props takes the context\'s names; its own props win over the context', () => {
    const context = { 'ecom:projectName': 'shop', 'ecom:stackPrefix': 'Shop' };
    const fromContext = new EcomPlatform(new App({ context }), 'Platform', { source: PlatformSource.codeCommit() });
    expect(fromContext.frontendStack.stackName).toBe('Shop-FrontendStack');
    expect(fromContext.naming.bucketName('admin-dashboard', '111122223333')).toBe('shop-admin-dashboard-111122223333');
    const fromProps = new EcomPlatform(new App({ context }), 'Platform', { projectName: 'other' });
    expect(fromProps.frontendStack.stackName).toBe('E-Com67-FrontendStack');
    expect(fromProps.naming.projectName).toBe('other');
  });

  test('EcomPlatform refuses an invalid context naming with its construct path, and leaves nothing behind', () => {
    const app = new App({ context: { 'ecom:stackPrefix': '9Lives' } });
    expect(() => new EcomPlatform(app, 'Platform', {})).toThrow(/^Platform: invalid `context ecom:stackPrefix` \("9Lives"\): it starts stack names.*Fix: use a prefix such as "E-Com67"$/);
    expect(app.node.children).toHaveLength(0);
  });
});

describe('isUnresolvedString (PlatformNaming\'s token check, free of aws-cdk-lib for the CLI)', () => {
  const stack = new Stack(new App(), 'S');
  test.each([
    ['Aws.ACCOUNT_ID', Aws.ACCOUNT_ID],
    ['stack.account', stack.account],
    ['Lazy.string', Lazy.string({ produce: () => 'x' })],
    ['a token inside a literal', `bucket-${Aws.REGION}-x`],
    ['Fn.join', Fn.join('-', ['a', Aws.ACCOUNT_ID])],
    ['a list token as a string', Fn.select(0, Fn.split(',', Lazy.string({ produce: () => 'a,b' })))],
    ['Token.asString of an object', Token.asString({ Ref: 'X' })],
    ['a literal', 'e-com67'],
    ['a literal with braces', '${Not[a token]}'],
    ['an account ID', '111122223333'],
  ])('agrees with Token.isUnresolved: %s', (_, value) => {
    expect(isUnresolvedString(value)).toBe(Token.isUnresolved(value));
  });
});
