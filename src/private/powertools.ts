/**
 * The AWS-managed "Powertools for AWS Lambda (Python)" v3 layers, as the Powertools documentation lists them
 * (docs/includes/_layer_homepage_x86.md and _layer_homepage_arm64.md of aws-powertools/powertools-lambda-python,
 * layer version 27): published by account 017000801446 in the `aws` partition as
 * `AWSLambdaPowertoolsPythonV3-python3XY-<x86_64|arm64>`.
 */
export const POWERTOOLS_ACCOUNT = '017000801446';

/** Layer version the docs list for Powertools v3 at the time of writing. */
export const POWERTOOLS_DEFAULT_VERSION = 27;

/** Python minor versions with a v3 layer (python39 ... python314). */
export const POWERTOOLS_PYTHON_MINORS = [9, 10, 11, 12, 13, 14];

/** Regions with a v3 layer for both architectures. */
const BOTH = [
  'af-south-1', 'ap-east-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'ca-central-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1',
  'eu-west-2', 'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1',
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];

/** Regions the docs list per architecture: ca-west-1 has the x86_64 layer only. */
export const POWERTOOLS_REGIONS: Record<string, string[]> = {
  x86_64: [...BOTH, 'ca-west-1'],
  arm64: BOTH,
};

/** `AWSLambdaPowertoolsPythonV3-python312-arm64` */
export function powertoolsLayerName(minor: number, architecture: string): string {
  return `AWSLambdaPowertoolsPythonV3-python3${minor}-${architecture}`;
}

/** The partition of a literal region name. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) {
    return 'aws-cn';
  }
  if (region.startsWith('us-gov-')) {
    return 'aws-us-gov';
  }
  if (/^(us-iso|us-isob|eu-isoe|us-isof)-/.test(region)) {
    return 'an isolated partition';
  }
  return 'aws';
}

/** The Python minor version and architecture a managed Powertools v3 layer ARN names. */
export interface PowertoolsArn {
  readonly layerName: string;
  readonly minor: number;
  readonly architecture: string;
}

/**
 * Reads a literal layer ARN as a managed Powertools v3 layer: undefined for any other layer. The ARN names the
 * one Python version and architecture the layer's compiled dependencies (pydantic-core) load on.
 */
export function parsePowertoolsArn(arn: string): PowertoolsArn | undefined {
  const match = new RegExp(`^arn:aws[a-z-]*:lambda:[a-z0-9-]+:${POWERTOOLS_ACCOUNT}:layer:(AWSLambdaPowertoolsPythonV3-python3(\\d+)-(x86_64|arm64)):\\d+$`).exec(arn);
  return match ? { layerName: match[1], minor: Number(match[2]), architecture: match[3] } : undefined;
}
