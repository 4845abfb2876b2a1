/**
 * Word lists and code tables the generator draws from. They aim at the look
 * of the real export (upper- and mixed-case names, US states with their zip
 * prefixes, the 340B entity types), plus the characters that trip byte-level
 * readers: accents (multi-byte UTF-8), quotes, backslashes, brackets inside
 * strings and an astral-plane character (a surrogate pair).
 */

/** [state, population weight, CMS state code (in id340B), first zip3, last zip3]. */
export const states: ReadonlyArray<readonly [string, number, string, number, number]> = [
  ['AL', 5, '01', 350, 369],
  ['AK', 1, '02', 995, 999],
  ['AZ', 7, '03', 850, 865],
  ['AR', 3, '04', 716, 729],
  ['CA', 39, '05', 900, 961],
  ['CO', 6, '06', 800, 816],
  ['CT', 4, '07', 60, 69],
  ['DE', 1, '08', 197, 199],
  ['DC', 1, '09', 200, 205],
  ['FL', 21, '10', 320, 349],
  ['GA', 10, '11', 300, 319],
  ['HI', 1, '12', 967, 968],
  ['ID', 2, '13', 832, 838],
  ['IL', 13, '14', 600, 629],
  ['IN', 7, '15', 460, 479],
  ['IA', 3, '16', 500, 528],
  ['KS', 3, '17', 660, 679],
  ['KY', 5, '18', 400, 427],
  ['LA', 5, '19', 700, 714],
  ['ME', 1, '20', 39, 49],
  ['MD', 6, '21', 206, 219],
  ['MA', 7, '22', 10, 27],
  ['MI', 10, '23', 480, 499],
  ['MN', 6, '24', 550, 567],
  ['MS', 3, '25', 386, 397],
  ['MO', 6, '26', 630, 658],
  ['MT', 1, '27', 590, 599],
  ['NE', 2, '28', 680, 693],
  ['NV', 3, '29', 889, 898],
  ['NH', 1, '30', 30, 38],
  ['NJ', 9, '31', 70, 89],
  ['NM', 2, '32', 870, 884],
  ['NY', 20, '33', 100, 149],
  ['NC', 10, '34', 270, 289],
  ['ND', 1, '35', 580, 588],
  ['OH', 12, '36', 430, 459],
  ['OK', 4, '37', 730, 749],
  ['OR', 4, '38', 970, 979],
  ['PA', 13, '39', 150, 196],
  ['PR', 3, '40', 6, 9],
  ['RI', 1, '41', 28, 29],
  ['SC', 5, '42', 290, 299],
  ['SD', 1, '43', 570, 577],
  ['TN', 7, '44', 370, 385],
  ['TX', 29, '45', 750, 799],
  ['UT', 3, '46', 840, 847],
  ['VT', 1, '47', 50, 59],
  ['VI', 0.2, '48', 8, 8],
  ['VA', 9, '49', 220, 246],
  ['WA', 8, '50', 980, 994],
  ['WV', 2, '51', 247, 268],
  ['WI', 6, '52', 530, 549],
  ['WY', 1, '53', 820, 831],
  ['GU', 0.2, '65', 969, 969],
];

export const stateWeights: Readonly<Record<string, number>> = Object.fromEntries(
  states.map(([state, weight]) => [state, weight]),
);
export const stateCodes: ReadonlyMap<string, string> = new Map(
  states.map(([state, , code]) => [state, code]),
);
export const zip3Ranges: ReadonlyMap<string, readonly [number, number]> = new Map(
  states.map(([state, , , low, high]) => [state, [low, high] as const]),
);

export type EntityClass = 'hospital' | 'clinic' | 'program';

/** Entity type → [weight among parents, class, mean number of child sites]. */
export const entityTypes: Readonly<Record<string, readonly [number, EntityClass, number]>> = {
  DSH: [20, 'hospital', 2.5],
  CAH: [9, 'hospital', 0.3],
  SCH: [2, 'hospital', 1],
  RRC: [1.5, 'hospital', 1],
  PED: [0.6, 'hospital', 1.5],
  CAN: [0.4, 'hospital', 1],
  CH: [27, 'clinic', 2.5],
  FQHCLA: [2, 'clinic', 1.5],
  FP: [14, 'program', 1.2],
  STD: [8, 'program', 0.5],
  RWI: [1, 'program', 0.3],
  RWII: [2, 'program', 0.3],
  RWIII: [3, 'program', 0.3],
  RWIV: [0.5, 'program', 0.2],
  HM: [1.5, 'program', 0.5],
  TB: [2, 'program', 0.3],
  BL: [0.5, 'program', 1],
  NH: [0.2, 'program', 0.5],
  UI: [1, 'program', 0.5],
};

export const grantPrefixes: Readonly<Record<string, string>> = {
  CH: 'H80CS',
  FQHCLA: 'LALCS',
  FP: 'FPHPA',
  STD: 'NH25PS',
  RWI: 'H89HA',
  RWII: 'X07HA',
  RWIII: 'H76HA',
  RWIV: 'H12HA',
  HM: 'H30MC',
  TB: 'NU52PS',
  BL: 'H37RH',
  NH: 'H1ECS',
  UI: 'H1GIH',
};

export const cities = [
  'SPRINGFIELD',
  'Riverside',
  'FRANKLIN',
  'Greenville',
  'BRISTOL',
  'Clinton',
  'SALEM',
  'Madison',
  'GEORGETOWN',
  'Fairview',
  'ARLINGTON',
  'Ashland',
  'OAKWOOD',
  'Burlington',
  'MANCHESTER',
  'Milton',
  'ST CHARLES',
  'Jonesville',
  'PENNINGTON GAP',
  'Boonville',
  'CLAYTON',
  'Dayton',
  'LEXINGTON',
  'Marion',
  'NEWPORT',
  'Oxford',
  'Hudson',
  'WINCHESTER',
  'Auburn',
  'DOVER',
  'Kingston',
  'LAKEWOOD',
  'Mount Vernon',
  'CENTERVILLE',
  'Jackson',
  'PLAINVIEW',
  'Hamilton',
  'WASHINGTON',
  'Chester',
  'SAN JOSÉ',
  'Mayagüez',
  'BAYAMÓN',
  'Española',
  "COEUR D'ALENE",
  'La Cañada',
  'WEST PALM BEACH',
  'Fort Wayne',
  'EAST ST. LOUIS',
  'Bowling Green',
  'SAULT STE. MARIE',
];

export const streetNames = [
  'MAIN ST',
  'Monarch Road',
  'Fieldstone Drive',
  'Riverside Drive',
  'Redwood Avenue',
  'OAK ST',
  'Elm Street',
  'PARK AVE',
  'Washington Blvd',
  'MARKET ST',
  'Highland Ave',
  'LINCOLN WAY',
  'Church Street',
  'HOSPITAL DR',
  'Medical Center Pkwy',
  'KY 11 SOUTH',
  'US HWY 19 N',
  'State Route 7',
  'MLK JR BLVD',
  'Broadway',
  'PINE ST',
  'Maple Avenue',
  'CEDAR LN',
  'Sunset Blvd',
  'COLLEGE AVE',
  'Calle Méndez Vigo',
  'AVE. PONCE DE LEÓN',
  'Peachtree St NE',
  'N. 3RD ST',
  'County Road 12',
];

export const secondaryLines = [
  'SUITE 102',
  'Suite 200',
  'STE 4B',
  'BLDG C',
  '2nd Floor',
  'Unit 7',
  'PO BOX 418',
  'ATTN: PHARMACY',
];

export const firstNames = [
  'MALCOLM',
  'Saundra',
  'KAY',
  'James',
  'MARIA',
  'Robert',
  'LINDA',
  'Michael',
  'PATRICIA',
  'David',
  'JENNIFER',
  'José',
  'ANA',
  'William',
  'ELIZABETH',
  'Thomas',
  'SUSAN',
  'Charles',
  'KAREN',
  'Daniel',
  'NANCY',
  'Zoë',
  'RENÉE',
];

export const surnames = [
  'PERDUE',
  'Jones',
  'MATLOCK',
  'Smith',
  'JOHNSON',
  'Williams',
  'BROWN',
  'Garcia',
  'MILLER',
  'Davis',
  'RODRIGUEZ',
  'Martinez',
  'HERNANDEZ',
  'Lopez',
  'WILSON',
  'Anderson',
  'THOMAS',
  'Taylor',
  'MOORE',
  'Peña',
  'NÚÑEZ',
  "O'Brien",
  'MCALLISTER',
  'Nguyen',
  'KOWALSKI',
];

export const titles = [
  'CEO',
  'COO',
  'CFO',
  'President',
  'PRESIDENT & CEO',
  'Director of Pharmacy',
  '340B PROGRAM MANAGER',
  'PROGRAM DEVELOPMENT OFFICER',
  'Executive Director',
  'VP, Finance',
  'Chief Medical Officer',
  'Pharmacy Manager',
];

export const hospitalNamePatterns = [
  '{city} REGIONAL MEDICAL CENTER',
  '{saint} HOSPITAL',
  '{surname} MEMORIAL HOSPITAL',
  'UNIVERSITY OF {city} MEDICAL CENTER',
  '{city} General Hospital',
  '{city} COUNTY HOSPITAL DISTRICT',
  "{city} Children's Hospital",
  '{saint} Health System',
];

export const clinicNamePatterns = [
  '{city} COMMUNITY HEALTH CENTER',
  '{surname} FAMILY HEALTH SERVICES',
  '{city} AREA HEALTH SERVICES, INC.',
  'STONE MOUNTAIN HEALTH SERVICES',
  'Clínica de Salud del {city}',
  '{city} Neighborhood Health',
];

export const programNamePatterns = [
  '{city} COUNTY HEALTH DEPARTMENT',
  'PLANNED PARENTHOOD OF {city}',
  '{city} AIDS PROJECT',
  '{surname} HEMOPHILIA TREATMENT CENTER',
  '{city} Department of Public Health',
];

export const saints = [
  'ST. MARY',
  "ST. JOSEPH'S",
  'SAINT LUKE',
  'ST. VINCENT',
  'MERCY',
  'GOOD SAMARITAN',
  'ST. FRANCIS',
];

export const subNamePatterns = [
  '{city} CLINIC',
  '{surname} PAVILION',
  'OUTPATIENT PHARMACY',
  '{street} CAMPUS',
  'Clínica {surname}',
  'MOBILE UNIT #{n}',
  '{city} FAMILY PRACTICE',
  'Women\'s Health "Annex" {n}',
];

export const chainPharmacies = [
  'WALGREENS #{n5}',
  'CVS PHARMACY #{n5}',
  'WALMART PHARMACY 10-{n4}',
  'KROGER PHARMACY #{n3}',
  'RITE AID #{n5}',
  'PUBLIX PHARMACY #{n4}',
  'SAFEWAY PHARMACY #{n4}',
  'H-E-B PHARMACY #{n3}',
  'COSTCO PHARMACY #{n3}',
];

export const independentPharmacies = [
  '{surname} DRUG',
  '{city} PHARMACY',
  "{surname}'S APOTHECARY",
  'B & H APOTHECARY',
  'FARMACIA {surname}',
  '{city} Community Pharmacy, LLC',
  '{surname} & SONS DRUG STORE',
];

export const specialtyPharmacies = [
  'ACCREDO HEALTH GROUP INC',
  'EXPRESS SCRIPTS SPECIALTY',
  'OPTUM SPECIALTY PHARMACY',
  'CVS SPECIALTY #{n5}',
  'WALGREENS SPECIALTY PHARMACY #{n5}',
  'AVITA PHARMACY {n4}',
];

export const terminationReasons = [
  'Site closure',
  'Voluntary termination',
  'Failure to recertify',
  'Change of ownership',
  'No longer meets eligibility requirements',
  'Registration error',
];

export const contractComments = [
  ' 6/3/2008 UPDATED BILLING',
  'Updated "SHIP TO" address per CE request',
  'see ticket [OPA-{n5}] {resolved}',
  'notes saved in C:\\340B\\contracts\\{n4}.pdf',
  'Delivery M–F only',
  '📦 mail-order only',
  'Contract renewed; terms unchanged',
  'PHARMACY NAME CHANGE\tPREVIOUSLY {surname} DRUG',
];

/** Unknown members that real exports carry now and then (SPEC: kept, never dropped). */
export const extraMemberNames = ['dataSourceSystem', 'recordStatus', 'lastVerifiedDate', 'programFlags'];
