/**
 * The release metadata agrees (scripts/release-check.js): both packages' versions, repository,
 * homepage and bugs URL; the jsii targets' owner; the peer floors equal the tested versions; the
 * CHANGELOG has an Unreleased section. Breaks: a release would publish packages that disagree.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { problems, changelogSection } = require('../../scripts/release-check.js');

test('the two packages, the jsii targets, the peer floors and the CHANGELOG agree (else: npm run release:check -- --fix)', () => {
  expect(problems()).toEqual([]);
});

test('a release tag must match the version and have its own CHANGELOG section', () => {
  expect(problems({ tag: 'v99.0.0' })).toEqual(expect.arrayContaining([
    expect.stringMatching(/^tag v99\.0\.0 is not v/),
    expect.stringMatching(/^CHANGELOG\.md has no "## /),
  ]));
  expect(changelogSection('# C\n\n## 1.2.0 (2026-01-01)\n\n- a\n\n## 1.1.0\n\n- b\n', '1.2.0')).toBe('- a');
});
