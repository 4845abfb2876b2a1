import { createMemoryEventStore } from '../store/memory/memory-event-store.ts';
import { describeIngestRules } from './testing/describe-ingest-rules.ts';

describeIngestRules('memory', async () => ({ store: createMemoryEventStore(), dispose: async () => {} }));
