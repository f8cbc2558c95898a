// Which build files are content-hashed (immutable, shared by releases, kept at the bucket root) and which are
// not (copied into each release's prefix). The routing function must classify request paths the same way, so
// the pattern is exported as text for it to embed.
import { ReleaseError } from './contract';
import { DEFAULT_HASHED_PATTERN } from '../private/release-routing';

export { DEFAULT_HASHED_PATTERN };

/** Classifies bucket-root-relative build paths (no leading slash). */
export class HashedPaths {
  private readonly pattern: RegExp;

  /** @param source a regular expression's source; the default when undefined. */
  constructor(readonly source: string = DEFAULT_HASHED_PATTERN) {
    try {
      this.pattern = new RegExp(source);
    } catch (error) {
      throw new ReleaseError(`hashed-file pattern ${JSON.stringify(source)} is not a regular expression: ${(error as Error).message}`);
    }
  }

  /** True for a content-hashed path: immutable, stored once at the bucket root. */
  isHashed(path: string): boolean {
    return this.pattern.test(path);
  }
}
