// The shape of one bad (or edge) input of test/bad-inputs.test.ts, and adapters that observe what the library
// does with it: refuses it (an error naming the prop), warns about it (a `cdk-ecom-platform:` warning ID), or
// accepts it without a word.
import { App, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { IConstruct } from 'constructs';

/** What the library did with an input. */
export interface Observed {
  /** The error text when it was refused (a thrown error, or a command's non-zero exit with its stderr). */
  readonly refusal?: string;
  /** The warnings it gave: aws-cdk-lib's text (ending `[ack: <id>]`), or for CLI and deploy cases the bare ID first. */
  readonly warnings: string[];
}

export type Expected =
  | { readonly outcome: 'refused'; readonly prop: string; readonly also?: RegExp }
  | { readonly outcome: 'warned'; readonly id: string }
  | { readonly outcome: 'accepted' };

/** Refused, with an error that names `prop` (and matches `also` when given). */
export const refused = (prop: string, also?: RegExp): Expected => ({ outcome: 'refused', prop, also });
/** Accepted with the warning `id` (`cdk-ecom-platform:<Construct>.<reason>`). */
export const warned = (id: string): Expected => ({ outcome: 'warned', id });
/** Accepted: a legitimate edge input. */
export const accepted = (): Expected => ({ outcome: 'accepted' });

export interface BadInput {
  /** The construct or tool: `SpaHosting`, `SpaPipeline`, `CdkBackendPipeline`, `LayerBuilder`, `EcomPlatform`, `CspPreset`, `CLI`, `deploy`. */
  readonly subject: string;
  /** The input as a reviewer would write it down: `hstsMaxAge: Duration.seconds(0)`. */
  readonly input: string;
  readonly expect: Expected;
  /** Tries the input. */
  readonly observe: () => Observed | Promise<Observed>;
  /**
   * Construct cases only: the refusal is the library's own (`<path>: invalid \`prop\` (value): ... Fix: ...`),
   * never aws-cdk-lib's words or a TypeError. Default true for construct cases; CLI and deploy cases set false.
   */
  readonly libraryError?: boolean;
}

export const ENV = { account: '111122223333', region: 'eu-west-1' };

/** The two contexts constructs are tried under: feature flags from `cdk init` (the default) or none. */
export const RECOMMENDED = { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS };

/**
 * Observes a construct input: `build` makes constructs in a fresh app (a stack `Stack` in ENV is passed; make
 * more as needed). A throw while building or synthesizing is the refusal; warnings are collected from every
 * stack's synthesized messages, as `cdk synth` shows them.
 */
export function synth(build: (stack: Stack, app: App) => void, context: Record<string, unknown> = RECOMMENDED): () => Observed {
  return () => {
    const app = new App({ context });
    const stack = new Stack(app, 'Stack', { env: ENV });
    try {
      build(stack, app);
      const assembly = app.synth();
      const warnings = assembly.stacksRecursively.flatMap((s) => s.messages)
        .filter((m) => m.level === 'warning')
        .map((m) => String(m.entry.data));
      return { warnings };
    } catch (error) {
      return { refusal: error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error), warnings: [] };
    }
  };
}

/** Warnings on a construct tree without synthesizing it (for cases that only need construction). */
export function warningsOf(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata)
    .filter((m) => m.type === 'aws:cdk:warning')
    .map((m) => String(m.data));
}
