import * as lambda from 'aws-cdk-lib/aws-lambda';

/** What a LayerSource is bound with: where it is used (for messages) and for what target. */
export interface LayerBindContext {
  /** The prop that holds the source, for messages: `layers[1].source`. */
  readonly prop: string;
  readonly runtime: lambda.Runtime;
  /** Python minor version of the runtime: 12 for python3.12. */
  readonly minor: number;
  readonly architecture: lambda.Architecture;
}

/** A validated source: exactly one of a managed layer ARN, requirements, or a directory. */
export interface BoundLayerSource {
  /** A published layer version to use as is. */
  readonly managedLayerArn?: string;
  /** Absolute path of a requirements file, for pip (its `-r` includes resolve next to it). */
  readonly requirementsFile?: string;
  /** Requirements as hashed: a file's text with its includes, or the given list; comments and blanks dropped. */
  readonly requirementsText?: string;
  /** The requirement lines, for the description and the pinning check. */
  readonly requirements?: string[];
  /** Absolute path of a local directory: a package, or a layer root (`python/` at its top). */
  readonly directory?: string;
  /** Name under `python/` that a package directory is copied to; undefined for a layer root, copied as is. */
  readonly packageName?: string;
  /** One line describing the contents, for the default layer description. */
  readonly summary: string;
}
