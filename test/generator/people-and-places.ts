import type { Address, Contact } from './model.ts';
import type { Random } from './random.ts';
import {
  cities,
  firstNames,
  saints,
  secondaryLines,
  streetNames,
  surnames,
  titles,
  zip3Ranges,
} from './vocabulary.ts';

/**
 * Fills `{city}`, `{surname}`, `{saint}`, `{street}`, `{n}` and `{nK}` (K
 * digits, leading zeros kept); other braces are text.
 */
export function fillPattern(random: Random, pattern: string): string {
  return pattern.replace(/\{(city|surname|saint|street|n\d?)\}/g, (_match, slot: string) => {
    if (slot === 'city') return random.pick(cities);
    if (slot === 'surname') return random.pick(surnames);
    if (slot === 'saint') return random.pick(saints);
    if (slot === 'street') return random.pick(streetNames);
    if (slot === 'n') return String(random.int(1, 99));
    return random.digits(Number(slot.slice(1)));
  });
}

/** Five digits within the state's zip prefixes: New England's and Puerto Rico's start with 0. */
export function makeZip(random: Random, state: string): string {
  const [low, high] = zip3Ranges.get(state) ?? [100, 999];
  return `${String(random.int(low, high)).padStart(3, '0')}${random.digits(2)}`;
}

export function makePhone(random: Random): string {
  return `${random.int(201, 989)}${random.int(200, 999)}${random.digits(4)}`;
}

export function makeAddress(random: Random, state: string): Address {
  return {
    addressLine1: `${random.int(1, 19_999)} ${random.pick(streetNames)}`,
    addressLine2: random.chance(0.1) ? random.pick(secondaryLines) : undefined,
    addressLine3: random.chance(0.01) ? 'C/O ACCOUNTS PAYABLE' : undefined,
    city: random.pick(cities),
    state,
    zip: makeZip(random, state),
    zip4: random.chance(0.3) ? random.digits(4) : undefined,
  };
}

/** A person's name the way the export has them: mixed case, sometimes a middle initial or a doubled space. */
export function makePersonName(random: Random): string {
  const first = random.pick(firstNames);
  const last = random.pick(surnames);
  const style = random.weighted({ plain: 85, initial: 8, doubleSpace: 7 });
  if (style === 'initial') return `${first} ${String.fromCharCode(random.int(65, 90))}. ${last}`;
  return style === 'doubleSpace' ? `${first}  ${last}` : `${first} ${last}`;
}

export function makeContact(random: Random): Contact {
  return {
    name: makePersonName(random),
    title: random.chance(0.9) ? random.pick(titles) : undefined,
    phoneNumber: random.chance(0.95) ? makePhone(random) : undefined,
    phoneNumberExtension: random.chance(0.2) ? random.digits(random.int(2, 5)) : undefined,
  };
}
