import { DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { AwsClients, errorName, messageOf } from './env';

/** The stack, or undefined when it does not exist. */
export async function describeStack(clients: AwsClients, stackName: string): Promise<Stack | undefined> {
  try {
    const response = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return response.Stacks?.[0];
  } catch (error) {
    if (isStackMissing(error)) {
      return undefined;
    }
    throw error;
  }
}

/** CloudFormation's answer for a stack that does not exist. */
export function isStackMissing(error: unknown): boolean {
  return errorName(error) === 'ValidationError' && /does not exist/.test(messageOf(error));
}
