/**
 * CloudWatch metrics through the Embedded Metric Format: a log line with an
 * `_aws` member is turned into metrics by CloudWatch Logs, with no API call
 * (and so no network path or IAM permission beyond writing logs). The
 * namespace is the stack's (OPAIS_METRICS_NAMESPACE), so two deployments in
 * one account keep their figures apart; the metrics have no dimensions, so
 * an alarm names a metric by its name alone.
 */
export type MetricUnit = 'Count' | 'Bytes' | 'Milliseconds' | 'Seconds';

export type MetricValues = Record<string, { value: number; unit: MetricUnit }>;

export const defaultMetricsNamespace = 'opais-changelog';

export function embeddedMetrics(
  values: MetricValues,
  env: NodeJS.ProcessEnv = process.env,
  now: Date = new Date(),
): Record<string, unknown> {
  const record: Record<string, unknown> = {
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: env.OPAIS_METRICS_NAMESPACE || defaultMetricsNamespace,
          Dimensions: [[]],
          Metrics: Object.entries(values).map(([name, { unit }]) => ({ Name: name, Unit: unit })),
        },
      ],
    },
  };
  for (const [name, { value }] of Object.entries(values)) record[name] = value;
  return record;
}
