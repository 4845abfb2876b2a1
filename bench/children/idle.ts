/**
 * Bench child that does nothing: its peak RSS is the floor every other
 * child starts from (Node plus the tsx loader).
 */
import { reportResult } from '../run-child.ts';

reportResult({ wallMs: 0 });
