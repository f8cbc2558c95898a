/**
 * One snapshot of each construct's defaults and one of a rich configuration, so that a changed logical ID (a
 * replaced resource: a retained bucket orphaned in a user's account) or any changed property shows in review.
 * test/helpers/snapshot.ts masks what changes without a change of the library (asset hashes, gzip bytes).
 *
 * The snapshots (test/__snapshots__/snapshots.test.ts.snap) are written on purpose, never by a test run
 * (`updateSnapshot: NEVER`): after a deliberate change, rewrite them with
 *   npx jest test/snapshots.test.ts --ci=false -u
 * and review the diff like code.
 *
 * The apps (defaults with the flags `cdk init` sets today, rich configurations with none) are in
 * test/helpers/library-apps.ts, shared with test/checkov.test.ts. PlatformNaming creates no resources and has
 * no snapshot.
 */
import { LIBRARY_APPS } from './helpers/library-apps';
import { maskedTemplates } from './helpers/snapshot';

const CONSTRUCTS = [...new Set(LIBRARY_APPS.map((a) => a.construct))];

describe.each(CONSTRUCTS)('%s', (construct) => {
  test.each(LIBRARY_APPS.filter((a) => a.construct === construct).map((a) => [a.name, a] as const))('%s', (_name, { build }) => {
    const { app, stacks } = build();
    expect(maskedTemplates(app, stacks)).toMatchSnapshot();
  });
});
