import { OpaisError } from '../errors.ts';

export interface MassChangeOptions {
  /** Refuse a snapshot that changes more than this share of the current entities (default 0.25). */
  maxChangeRatio?: number;
  allowMassChange?: boolean;
}

/**
 * The mass-change guard (docs/events.md): when HRSA adds a member to every
 * entity, every content hash changes and the feed would flood with changes
 * that are not changes in the data. Such a snapshot is refused unless
 * allowed; the refusal names the member paths that appeared or vanished, so
 * the operator sees why at once.
 */
export function guardMassChange(
  options: MassChangeOptions & { source: string },
  figures: { changed: number; current: number; newMembers: string[]; vanishedMembers: string[] },
): void {
  const { changed, current, newMembers, vanishedMembers } = figures;
  if (options.allowMassChange || changed === 0) return;
  const ratio = options.maxChangeRatio ?? 0.25;
  if (changed / current <= ratio) return;
  const why = [
    newMembers.length > 0 ? `new members: ${newMembers.join(', ')}` : undefined,
    vanishedMembers.length > 0 ? `vanished members: ${vanishedMembers.join(', ')}` : undefined,
  ].filter(Boolean);
  throw new OpaisError(
    'MASS_CHANGE',
    `${options.source}: the snapshot would change ${changed} of ${current} current entities (${((100 * changed) / current).toFixed(1)}%, more than ${(100 * ratio).toFixed(1)}%)${why.length > 0 ? `; ${why.join('; ')}` : ''}; nothing was appended. If the export's format changed (a member added to every entity), apply it explicitly (--allow-mass-change): its SnapshotIngested event records why every entity changed.`,
    { changed, current, ratio, newMembers, vanishedMembers },
  );
}
