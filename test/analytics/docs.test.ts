import { queriesSection } from '../../scripts/docs-queries';
import { readSection } from '../../scripts/doc-section';

test('docs/analytics.md shows each named query\'s SQL as lib/analytics/private/queries.ts states it (else: npm run docs:queries)', () => {
  expect(readSection('docs/analytics.md', 'bench:queries')).toBe(queriesSection());
});
