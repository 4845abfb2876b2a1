/** A value as one line of text: strings as they are, anything else as JSON; absent is null. */
export function valueText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A child-collection member's natural key in a few words. */
export function keyText(path: string, key: Record<string, unknown>): string {
  if (path === 'contractPharmacies') return `contract ${key.contractId}`;
  return Object.values(key)
    .filter((value) => value !== null)
    .join(' ');
}

/** A member in a few words: a contract by its id, pharmacy and place; a number with its state; an address on one line. */
export function memberText(path: string, member: Record<string, unknown>): string {
  if (path === 'contractPharmacies') {
    const address = (member.address ?? {}) as Record<string, unknown>;
    const place = [address.city, address.state].filter(Boolean).join(' ');
    const dates = [
      member.beginDate ? `begin ${String(member.beginDate).slice(0, 10)}` : '',
      member.terminationDate ? `terminated ${String(member.terminationDate).slice(0, 10)}` : '',
    ].filter(Boolean);
    return `contract ${member.contractId}: ${member.name ?? '(no name)'}${place ? `, ${place}` : ''} (pharmacy ${member.pharmacyId}${dates.length ? `; ${dates.join(', ')}` : ''})`;
  }
  if (path === 'npiNumbers')
    return [member.npiNumber, member.state ? `(${member.state})` : ''].join(' ').trim();
  if (path === 'medicaidNumbers')
    return [member.medicaidNumber, member.state ? `(${member.state})` : ''].join(' ').trim();
  return Object.entries(member)
    .filter(([, value]) => typeof value !== 'object')
    .map(([, value]) => String(value))
    .join(', ');
}
