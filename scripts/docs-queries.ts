/**
 * Writes docs/analytics.md's list of named queries (section bench:queries) from
 * lib/analytics/private/queries.ts, so that the page shows the exact SQL the template holds.
 * test/analytics/docs.test.ts fails when the page is stale. Run: npm run docs:queries
 */
import { PRICE_COLUMNS } from '../lib/analytics/facts';
import { queriesFor } from '../lib/analytics/private/queries';
import { writeSection } from './doc-section';

/** The page's text: a table of the queries, then each query's SQL (the tag query shown for the key `team`). */
export function queriesSection(): string {
  const queries = queriesFor(['team']);
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [
    '| named query | answers |',
    '|---|---|',
    ...queries.map((q) => `| \`${q.name.replace(/team$/, 'KEY')}\` | ${cell(q.description.replace(/"team"/g, 'KEY'))} |`),
    '',
    ...queries.map((q) => [
      `<details><summary><code>${q.name}</code></summary>`,
      '',
      '```sql',
      q.sql,
      '```',
      '',
      '</details>',
    ].join('\n')),
    '',
    'Columns of the price CSV, in this order, after a header line:',
    '',
    '| column | meaning |',
    '|---|---|',
    ...PRICE_COLUMNS.map((c) => `| \`${c.name}\` (${c.type}) | ${cell(c.description)} |`),
  ].join('\n');
}

if (require.main === module) writeSection('docs/analytics.md', 'bench:queries', queriesSection());
