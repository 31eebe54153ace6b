/**
 * Loaded first by lib/index.ts, before any module that uses aws-cdk-lib: an aws-cdk-lib older than
 * the peer dependency's floor is refused here with one line naming the version needed, instead of
 * a TypeError deep in a construct (`Cannot read properties of undefined (reading 'of')`).
 * Exports nothing.
 */
import * as path from 'path';
import { awsCdkLibFloorProblem } from './facts';

/** The version and directory of the aws-cdk-lib this library loads; undefined if not found (a bundled app). */
function loadedAwsCdkLib(): { version: string; dir: string } | undefined {
  try {
    const file = require.resolve('aws-cdk-lib/package.json');
    return { version: String(require(file).version), dir: path.dirname(file) };
  } catch {
    return undefined;
  }
}

const loaded = loadedAwsCdkLib();
const problem = loaded && awsCdkLibFloorProblem(loaded.version, loaded.dir);
if (problem) throw new Error(problem);

export {};
