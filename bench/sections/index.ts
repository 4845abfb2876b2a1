import type { BenchSection } from '../bench-section.ts';
import { everyElementSection } from './every-element.ts';
import { ingestSection } from './ingest.ts';
import { projectionsSection } from './projections.ts';
import { rediffSection } from './rediff.ts';

/** The sections of `npm run bench`, in the order they run. */
export const sections: readonly BenchSection[] = [
  rediffSection,
  ingestSection,
  projectionsSection,
  everyElementSection,
];
