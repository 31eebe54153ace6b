/**
 * Every generated sample in README.md and docs/*.md (stack outputs, template parameters and sizes,
 * install lines) equals a fresh run of its producer. Breaks: a shown output no longer matches what
 * the code synthesizes (fix: npm run docs:samples, then read the diff).
 */
import { readSection } from '../../scripts/doc-section';
import { SAMPLES } from '../../scripts/docs-samples';

const produced = new Map<() => string, string>();

test.each(SAMPLES.map((s) => [`${s.file} <!-- ${s.marker} -->`, s] as const))('%s equals a fresh run (else: npm run docs:samples)', (_name, sample) => {
  if (!produced.has(sample.produce)) produced.set(sample.produce, sample.produce());
  expect(readSection(sample.file, sample.marker)).toBe(produced.get(sample.produce));
});
