/**
 * What a user sets when deploying (`npx cdk deploy -c name=value`, or the
 * `context` block of cdk.json), with the defaults docs/cloud.md prices.
 */
export interface OpaisSettings {
  /** Where the alarms are e-mailed (a subscription to confirm); none: the topic has no subscriber. */
  alarmEmail: string | undefined;
  /** RDS instance class, e.g. db.t4g.micro (default) or db.t4g.small. */
  databaseInstanceType: string;
  /** Initial storage in GiB; RDS grows it up to databaseMaxStorageGiB. */
  databaseStorageGiB: number;
  databaseMaxStorageGiB: number;
  /** An existing VPC instead of a new one: its id, private subnets (which must reach the internet) and their AZs. */
  existingVpc:
    | { vpcId: string; privateSubnetIds: string[]; availabilityZones: string[]; routeTableIds: string[] }
    | undefined;
  /** Keys under this prefix are exports (the fetcher writes there too). */
  snapshotPrefix: string;
  /** Days after which an export moves to Glacier Instant Retrieval; exports are never deleted. */
  archiveAfterDays: number;
  /** The daily download: the export's URL (none: no schedule, exports are put into the bucket by hand). */
  fetchUrl: string | undefined;
  /** When the download runs: hour and minute in fetchTimeZone. */
  fetchTime: { hour: number; minute: number };
  fetchTimeZone: string;
  /** The ingest Lambda (docs/cloud.md has the measurements behind these defaults). */
  ingestMemoryMiB: number;
  ingestTimeoutSeconds: number;
  /** Share of current entities one snapshot may remove before the guard refuses it. */
  maxRemovalRatio: number;
  /** Share of current entities one snapshot may change before the mass-change guard refuses it. */
  maxChangeRatio: number;
  /** Hours without an applied snapshot before the staleness alarm. */
  staleAfterHours: number;
  /** Seconds of projector lag before the lag alarm. */
  projectorLagAlarmSeconds: number;
  /** Run the API and a projector on ECS Fargate behind a load balancer. */
  apiService: boolean;
  /** The container image for it; none: built from the repository's Dockerfile by `cdk deploy`. */
  apiImage: string | undefined;
  /** The database schema of the event store and the projected tables. */
  schema: string;
}

export const defaultSettings: OpaisSettings = {
  alarmEmail: undefined,
  databaseInstanceType: 'db.t4g.micro',
  databaseStorageGiB: 20,
  databaseMaxStorageGiB: 100,
  existingVpc: undefined,
  snapshotPrefix: 'daily/',
  archiveAfterDays: 90,
  fetchUrl: undefined,
  fetchTime: { hour: 6, minute: 0 },
  fetchTimeZone: 'America/New_York',
  ingestMemoryMiB: 1769,
  ingestTimeoutSeconds: 900,
  maxRemovalRatio: 0.05,
  maxChangeRatio: 0.25,
  staleAfterHours: 36,
  projectorLagAlarmSeconds: 3600,
  apiService: false,
  apiImage: undefined,
  schema: 'opais',
};

/** Settings from CDK context values (all strings on the command line), checked, with the defaults filled in. */
export function readSettings(context: (key: string) => unknown): OpaisSettings {
  const text = (key: string) => {
    const value = context(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const list = (key: string) =>
    text(key)
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean) ?? [];
  const number = (key: string, fallback: number, min: number, max: number) => {
    const value = text(key);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min || parsed > max)
      throw new Error(`context ${key} must be a number from ${min} to ${max}, got ${value}`);
    return parsed;
  };
  const flag = (key: string) => {
    const value = text(key);
    if (value === undefined) return false;
    if (value !== 'true' && value !== 'false')
      throw new Error(`context ${key} must be true or false, got ${value}`);
    return value === 'true';
  };

  const vpcId = text('vpcId');
  const privateSubnetIds = list('privateSubnetIds');
  const availabilityZones = list('availabilityZones');
  if (vpcId && (privateSubnetIds.length < 2 || availabilityZones.length !== privateSubnetIds.length)) {
    throw new Error(
      'with vpcId, give privateSubnetIds (at least two, in different AZs) and their availabilityZones, in the same order',
    );
  }
  const fetchTime = text('fetchTime') ?? '06:00';
  const time = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(fetchTime);
  if (!time) throw new Error(`context fetchTime must be HH:MM (24-hour), got ${fetchTime}`);
  const fetchUrl = text('fetchUrl');
  if (fetchUrl && !/^https?:\/\//.test(fetchUrl))
    throw new Error(`context fetchUrl must be an http(s) URL, got ${fetchUrl}`);
  const schema = text('schema') ?? defaultSettings.schema;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new Error(`context schema must be a lower-case SQL identifier, got ${schema}`);
  const instanceType = text('databaseInstanceType') ?? defaultSettings.databaseInstanceType;
  if (!/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(instanceType))
    throw new Error(`context databaseInstanceType must look like db.t4g.micro, got ${instanceType}`);

  return {
    alarmEmail: text('alarmEmail'),
    databaseInstanceType: instanceType,
    databaseStorageGiB: number('databaseStorageGiB', defaultSettings.databaseStorageGiB, 20, 65_536),
    databaseMaxStorageGiB: number('databaseMaxStorageGiB', defaultSettings.databaseMaxStorageGiB, 20, 65_536),
    existingVpc: vpcId
      ? { vpcId, privateSubnetIds, availabilityZones, routeTableIds: list('privateRouteTableIds') }
      : undefined,
    snapshotPrefix: text('snapshotPrefix') ?? defaultSettings.snapshotPrefix,
    archiveAfterDays: number('archiveAfterDays', defaultSettings.archiveAfterDays, 1, 36_500),
    fetchUrl,
    fetchTime: { hour: Number(time[1]), minute: Number(time[2]) },
    fetchTimeZone: text('fetchTimeZone') ?? defaultSettings.fetchTimeZone,
    ingestMemoryMiB: number('ingestMemoryMiB', defaultSettings.ingestMemoryMiB, 512, 10_240),
    ingestTimeoutSeconds: number('ingestTimeoutSeconds', defaultSettings.ingestTimeoutSeconds, 60, 900),
    maxRemovalRatio: number('maxRemovalRatio', defaultSettings.maxRemovalRatio, 0, 1),
    maxChangeRatio: number('maxChangeRatio', defaultSettings.maxChangeRatio, 0, 1),
    staleAfterHours: number('staleAfterHours', defaultSettings.staleAfterHours, 1, 168),
    projectorLagAlarmSeconds: number(
      'projectorLagAlarmSeconds',
      defaultSettings.projectorLagAlarmSeconds,
      60,
      604_800,
    ),
    apiService: flag('apiService'),
    apiImage: text('apiImage'),
    schema,
  };
}
