/** CloudWatch metrics for `status`: one GetMetricData call for every figure of an installation. */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { ClientSettings } from './settings.js';
import { callAws } from './call.js';

export interface MetricQuery {
  id: string;
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
  stat: 'Sum' | 'Average' | 'Minimum' | 'Maximum';
}

export interface CloudWatchApi {
  /** Each query's statistic over the whole window (one period), or null when there are no data points. */
  metricTotals(queries: readonly MetricQuery[], start: Date, end: Date): Promise<Record<string, number | null>>;
}

export function createCloudWatch(settings: ClientSettings): CloudWatchApi {
  const client = new CloudWatchClient(settings.clientConfig);
  return {
    async metricTotals(queries, start, end) {
      const period = Math.max(60, Math.ceil((end.getTime() - start.getTime()) / 1000 / 60) * 60);
      const out: Record<string, number | null> = Object.fromEntries(queries.map((q) => [q.id, null]));
      const MetricDataQueries: MetricDataQuery[] = queries.map((q) => ({
        Id: q.id,
        MetricStat: {
          Metric: { Namespace: q.namespace, MetricName: q.metric, Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })) },
          Period: period,
          Stat: q.stat,
        },
        ReturnData: true,
      }));
      let token: string | undefined;
      do {
        const page = await callAws(settings, 'reading CloudWatch metrics (cloudwatch:GetMetricData)', () =>
          client.send(new GetMetricDataCommand({ MetricDataQueries, StartTime: start, EndTime: end, NextToken: token, ScanBy: 'TimestampDescending' })),
        );
        for (const r of page.MetricDataResults ?? []) {
          if (r.Id && r.Values && r.Values.length > 0) out[r.Id] = r.Values[0] ?? null;
        }
        token = page.NextToken;
      } while (token);
      return out;
    },
  };
}
