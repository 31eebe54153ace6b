import * as fs from 'fs';
import * as path from 'path';
import { queriesSection } from '../../scripts/readme-queries';

test('the README shows each named query\'s SQL as lib/analytics/private/queries.ts states it (else: npm run readme:queries)', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = /<!-- bench:queries -->\n([\s\S]*?)\n<!-- \/bench:queries -->/.exec(readme)?.[1];
  expect(section).toBe(queriesSection());
});
