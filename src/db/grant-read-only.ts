import pg from 'pg';

/**
 * Lets `role` read the schema and nothing more: USAGE on the schema, SELECT
 * on its tables now and on those later migrations create (default
 * privileges). A rebuild's swapped-in tables carry the live tables' grants.
 * The role is created (LOGIN) when it does not exist; its password is set
 * when one is given (else give it one, or another way to log in, yourself).
 * Returns whether it was created.
 */
export async function grantReadOnly(
  pool: pg.Pool,
  schema: string,
  role: string,
  password?: string,
): Promise<boolean> {
  const name = pg.escapeIdentifier(role);
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query('select 1 from pg_roles where rolname = $1', [role]);
    if (rows.length === 0) await client.query(`create role ${name} login`);
    // A utility statement takes no parameters: the password goes in as an escaped literal.
    if (password) await client.query(`alter role ${name} password ${pg.escapeLiteral(password)}`);
    await client.query(`grant usage on schema ${schema} to ${name}`);
    await client.query(`grant select on all tables in schema ${schema} to ${name}`);
    await client.query(`alter default privileges in schema ${schema} grant select on tables to ${name}`);
    await client.query('commit');
    return rows.length === 0;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
