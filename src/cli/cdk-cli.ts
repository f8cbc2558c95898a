import * as fs from 'fs';
import * as path from 'path';

/** The CDK CLI of the app (node_modules/.bin/cdk), else the one on PATH; undefined when there is none. */
export function locateCdk(appDir: string, env: Record<string, string | undefined>): string | undefined {
  const local = path.join(appDir, 'node_modules', '.bin', 'cdk');
  if (fs.existsSync(local)) {
    return local;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter((d) => d.length > 0)) {
    const candidate = path.join(dir, 'cdk');
    if (fs.existsSync(candidate)) {
      return candidate;
    }
  }
  return undefined;
}
