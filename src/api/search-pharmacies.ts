import type pg from 'pg';
import { type PharmacyVersion, pharmacyColumns, pharmacyOf } from './read-pharmacy.ts';
import { sqlParams } from './sql-params.ts';

/**
 * Pharmacies (current versions of dim_pharmacy) matching every word of the
 * query: a word matches the pharmacy id, a word of the name (prefix), the
 * city (prefix), the state, or the zip (prefix); ordered by name.
 * dim_pharmacy holds one current row per pharmacy (tens of thousands at
 * full scale), so a scan is a few milliseconds.
 */
export async function searchPharmacies(pool: pg.Pool, q: string, limit: number): Promise<PharmacyVersion[]> {
  const words = (q.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8).map((word) => word.slice(0, 64));
  if (words.length === 0) return [];
  const { values, param } = sqlParams(limit);
  const conditions = words.map((word) => {
    const exact = param(word);
    const prefix = param(`${word.replace(/[\\%_]/g, '\\$&')}%`);
    const inName = param(`% ${word.replace(/[\\%_]/g, '\\$&')}%`);
    return `(p.pharmacy_id = ${exact} or (' ' || p.name) ilike ${inName}
             or p.address_city ilike ${prefix} or upper(p.address_state) = upper(${exact}) or p.address_zip like ${prefix})`;
  });
  const { rows } = await pool.query(
    `select ${pharmacyColumns} from dim_pharmacy p
      where p.current_version_flg = 'Y' and ${conditions.join(' and ')}
      order by p.name, p.pharmacy_id limit $1`,
    values,
  );
  return rows.map(pharmacyOf);
}
