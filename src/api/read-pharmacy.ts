import type pg from 'pg';

/** A pharmacy as dim_pharmacy holds it (its current version, or its last one once no contract names it). */
export interface PharmacyVersion {
  pharmacyId: string;
  current: boolean;
  name: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  phoneNumber: string | null;
  /** As-of of the snapshot that made this version, and of the one that ended it (null while current). */
  since: string;
  until: string | null;
}

/** One contract between a covered entity and the pharmacy, over time (dim_ce_contract_pharmacy's versions). */
export interface PharmacyContract {
  id340B: string;
  ceId: number;
  /** The covered entity's name (its current or last dim_ce version). */
  entityName: string | null;
  contractId: string;
  current: boolean;
  beginDate: string | null;
  terminationDate: string | null;
  /** Snapshots (as-of) at which the contract appeared in the exports, changed, and disappeared. */
  appeared: string[];
  changed: string[];
  disappeared: string[];
}

interface PharmacyRow {
  pharmacy_id: string;
  current_version_flg: string;
  name: string | null;
  address_line1: string | null;
  address_line2: string | null;
  address_city: string | null;
  address_state: string | null;
  address_zip: string | null;
  phone_number: string | null;
  effective: string;
  expiration: string | null;
}

interface ContractVersionRow {
  id340b: string;
  ce_id: string;
  contract_id: string;
  entity_name: string | null;
  current_version_flg: string;
  begin_stp: string | null;
  termination_stp: string | null;
  effective: string;
  expiration: string | null;
}

// The tables hold UTC without a zone; answers give ISO instants.
const iso = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const isoOrNull = (column: string) =>
  `case when ${column} = '9999-12-31 23:59:59' then null else ${iso(column)} end`;
const sourceTime = (column: string) => `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.US')`;

export const pharmacyColumns = `p.pharmacy_id, p.current_version_flg, p.name, p.address_line1, p.address_line2,
  p.address_city, p.address_state, p.address_zip, p.phone_number,
  ${iso('p.effective_stp')} as effective, ${isoOrNull('p.expiration_stp')} as expiration`;

export function pharmacyOf(row: PharmacyRow): PharmacyVersion {
  return {
    pharmacyId: row.pharmacy_id,
    current: row.current_version_flg === 'Y',
    name: row.name,
    addressLine1: row.address_line1,
    addressLine2: row.address_line2,
    city: row.address_city,
    state: row.address_state,
    zip: row.address_zip,
    phoneNumber: row.phone_number,
    since: row.effective,
    until: row.expiration,
  };
}

/**
 * The pharmacy (from dim_pharmacy) and every contract that named it, from
 * dim_ce_contract_pharmacy's SCD2 versions that name it: a version that
 * starts where the contract's previous one ended is a change, any other
 * start an appearance, and a version that ends with no successor a
 * disappearance (the contract left the export, or moved to another
 * pharmacy). Undefined when no table has ever named the pharmacy.
 */
export async function readPharmacy(
  pool: pg.Pool,
  pharmacyId: string,
): Promise<{ pharmacy: PharmacyVersion; contracts: PharmacyContract[] } | undefined> {
  const [pharmacies, versions] = await Promise.all([
    pool.query<PharmacyRow>(
      `select ${pharmacyColumns} from dim_pharmacy p where p.pharmacy_id = $1
        order by p.effective_stp desc limit 1`,
      [pharmacyId],
    ),
    pool.query<ContractVersionRow>(
      `select c.id340b, c.ce_id, c.contract_id, ce.name as entity_name, c.current_version_flg,
              ${sourceTime('c.begin_stp')} as begin_stp, ${sourceTime('c.termination_stp')} as termination_stp,
              ${iso('c.effective_stp')} as effective, ${isoOrNull('c.expiration_stp')} as expiration
         from dim_ce_contract_pharmacy c
         left join lateral (
           select d.name from dim_ce d where d.id340b = c.id340b and d.ce_id = c.ce_id
            order by d.effective_stp desc limit 1) ce on true
        where c.pharmacy_id = $1
        order by c.id340b, c.ce_id, c.contract_id, c.effective_stp`,
      [pharmacyId],
    ),
  ]);
  const pharmacy = pharmacies.rows[0];
  if (!pharmacy) return undefined;
  const contracts = new Map<string, PharmacyContract>();
  let previous: ContractVersionRow | undefined;
  for (const [index, version] of versions.rows.entries()) {
    const key = `${version.id340b}\u0000${version.ce_id}\u0000${version.contract_id}`;
    let contract = contracts.get(key);
    if (!contract) {
      contract = {
        id340B: version.id340b,
        ceId: Number(version.ce_id),
        entityName: version.entity_name,
        contractId: version.contract_id,
        current: false,
        beginDate: null,
        terminationDate: null,
        appeared: [],
        changed: [],
        disappeared: [],
      };
      contracts.set(key, contract);
      previous = undefined;
    }
    // A version that starts where the previous one ended is a change; any other start is an appearance.
    if (previous && previous.expiration === version.effective) contract.changed.push(version.effective);
    else {
      if (previous?.expiration) contract.disappeared.push(previous.expiration);
      contract.appeared.push(version.effective);
    }
    // Versions come oldest first: the last one gives the contract's latest dates.
    contract.current = version.current_version_flg === 'Y';
    contract.beginDate = version.begin_stp;
    contract.terminationDate = version.termination_stp;
    if (!contract.current && version.expiration && isLastOfKey(version, versions.rows[index + 1])) {
      contract.disappeared.push(version.expiration);
    }
    previous = version;
  }
  return {
    pharmacy: pharmacyOf(pharmacy),
    contracts: [...contracts.values()].sort(
      (a, b) =>
        Number(b.current) - Number(a.current) || (a.entityName ?? '').localeCompare(b.entityName ?? ''),
    ),
  };
}

function isLastOfKey(version: ContractVersionRow, next: ContractVersionRow | undefined): boolean {
  return (
    next === undefined ||
    next.id340b !== version.id340b ||
    next.ce_id !== version.ce_id ||
    next.contract_id !== version.contract_id
  );
}
