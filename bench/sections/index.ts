import type { BenchSection } from '../bench-section.ts';
import { backfillSection } from './backfill.ts';
import { everyElementSection } from './every-element.ts';
import { exportsSection } from './exports.ts';
import { ingestSection } from './ingest.ts';
import { projectionsSection } from './projections.ts';
import { rediffSection } from './rediff.ts';

/** The sections of `npm run bench`, in the order they run. */
export const sections: readonly BenchSection[] = [
  rediffSection,
  ingestSection,
  projectionsSection,
  everyElementSection,
  backfillSection,
  exportsSection,
];
