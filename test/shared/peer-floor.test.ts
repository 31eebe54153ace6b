/**
 * The aws-cdk-lib peer floor: an older aws-cdk-lib is refused when the library loads, in one line
 * naming the version needed. Breaks: users of an older aws-cdk-lib get `TypeError: Cannot read
 * properties of undefined (reading 'of')` deep in a construct. (npm run check:consumer loads the
 * packed library with a real older aws-cdk-lib from the registry.)
 */
import * as path from 'path';
import { AWS_CDK_LIB_PEER_FLOOR, awsCdkLibFloorProblem } from '../../lib/shared/facts';

const ROOT = path.join(__dirname, '..', '..');

test('the floor is the one package.json states as the peer dependency, and the dev version meets it', () => {
  const pkg = require(path.join(ROOT, 'package.json'));
  expect(pkg.peerDependencies['aws-cdk-lib']).toBe(`^${AWS_CDK_LIB_PEER_FLOOR}`);
  expect(awsCdkLibFloorProblem(pkg.devDependencies['aws-cdk-lib'], 'node_modules/aws-cdk-lib')).toBeUndefined();
});

test.each(['2.256.1', '2.245.0', '2.99.0', '1.204.0'])('aws-cdk-lib %s: one line naming the version needed, the version loaded and where from', (version) => {
  const problem = awsCdkLibFloorProblem(version, '/app/node_modules/aws-cdk-lib')!;
  expect(problem).toBe(`cdk-bedrock-invocation-logging needs aws-cdk-lib ${AWS_CDK_LIB_PEER_FLOOR} or later (peer dependency ^${AWS_CDK_LIB_PEER_FLOOR}), `
    + `but this app loads aws-cdk-lib ${version} from /app/node_modules/aws-cdk-lib: run npm install aws-cdk-lib@^${AWS_CDK_LIB_PEER_FLOOR}`);
  expect(problem.split('\n')).toHaveLength(1);
});

test.each([AWS_CDK_LIB_PEER_FLOOR, '2.257.1', '2.278.0', '2.300.0-rc.1', 'unknown'])('aws-cdk-lib %s is accepted (at or above the floor, or a version it cannot read)', (version) => {
  expect(awsCdkLibFloorProblem(version, 'x')).toBeUndefined();
});

test('the library\'s entry point loads the check first, and the check throws on an older aws-cdk-lib', () => {
  const index = require('fs').readFileSync(path.join(ROOT, 'lib', 'index.ts'), 'utf8') as string;
  expect(index.split('\n').find((l) => l.startsWith('export'))).toBe('export * from \'./shared/peer-floor\';');
  const manifest = require.resolve('aws-cdk-lib/package.json');
  jest.isolateModules(() => {
    jest.doMock(manifest, () => ({ version: '2.245.0' }));
    expect(() => require('../../lib/shared/peer-floor')).toThrow(/^cdk-bedrock-invocation-logging needs aws-cdk-lib 2\.257\.0 or later .* loads aws-cdk-lib 2\.245\.0 from /);
  });
  jest.dontMock(manifest);
  jest.isolateModules(() => {
    expect(() => require('../../lib/shared/peer-floor')).not.toThrow();
  });
});
