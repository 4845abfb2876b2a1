import { describeEventStore } from '../testing/describe-event-store.ts';
import { createMemoryEventStore } from './memory-event-store.ts';

describeEventStore('memory', async () => ({ store: createMemoryEventStore(), dispose: async () => {} }));
