// SSM parameters the deploy program reads at deploy time, in the target's account (with SPA_ROLE_ARN's role):
// the deploy target (SPA_TARGET_PARAMETER: what a hosting in another account can't hand over by reference) and
// runtime config values (SPA_RUNTIME_CONFIG_PARAMETERS: each environment's API URL, say).
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mapLimit } from './clients';
import { ReleaseError } from './contract';

/** A parameter as read. */
export interface ParameterValue {
  readonly name: string;
  readonly value: string;
  /** String, StringList or SecureString (not decrypted). */
  readonly type: string;
}

/** Reads `name` (or an ARN); undefined when there is no such parameter. Any other error is a ReleaseError. */
export async function readParameter(ssm: SSMClient, name: string): Promise<ParameterValue | undefined> {
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
    return { name, value: out.Parameter?.Value ?? '', type: out.Parameter?.Type ?? 'String' };
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') {
      return undefined;
    }
    throw new ReleaseError(`could not read SSM parameter ${name}: ${(error as Error).name}: ${(error as Error).message}`);
  }
}

/** Reads each distinct parameter once, four at a time; name -> value (undefined: not found). */
export async function readParameters(ssm: SSMClient, names: readonly string[]): Promise<Map<string, ParameterValue | undefined>> {
  const distinct = [...new Set(names)];
  const values = await mapLimit(distinct, 4, (name) => readParameter(ssm, name));
  return new Map(distinct.map((name, i) => [name, values[i]]));
}
