/**
 * Alarm evaluation as a pure function: (the alarm's rule, its metric's per-period values, now, the
 * current state) → the state the alarm should be in, with AWS's StateReason text and StateReasonData
 * JSON. The runtime (alarm-runtime.ts) feeds it and applies the outcome.
 *
 * Rules, after "Evaluating an alarm" and "Configuring how CloudWatch alarms treat missing data" in the
 * CloudWatch user guide:
 * - The evaluation range is the last N (EvaluationPeriods) periods. It ends with the period in progress
 *   when that period already has data (so a breaching datapoint alarms at once), else with the last
 *   complete period. Periods are aligned to multiples of the period since the epoch.
 * - ALARM when at least M (DatapointsToAlarm, default N) datapoints breach, OK otherwise, after missing
 *   datapoints are filled per TreatMissingData: `breaching` / `notBreaching` fill them; `missing` judges
 *   on the datapoints that exist (all existing breaching → ALARM when fewer than M exist); `ignore`
 *   keeps the current state unless the existing datapoints decide the outcome on their own.
 * - With no datapoint at all: `missing` → INSUFFICIENT_DATA, `ignore` → unchanged, the others fill.
 * Simplification: AWS also looks back past the range for older datapoints when some are missing;
 * the range does not.
 */

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type MissingDataTreatment = 'missing' | 'ignore' | 'breaching' | 'notBreaching';
export type ThresholdComparison =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

export interface AlarmRule {
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: ThresholdComparison;
  treatMissingData: MissingDataTreatment;
  /** The statistic named in StateReasonData (`Sum`, `p90`, ...). */
  statistic: string;
}

/** One period's value of the alarm's statistic. */
export interface AlarmDatapoint {
  /** Epoch milliseconds of the period start. */
  timestamp: number;
  value: number;
  sampleCount: number;
}

export interface AlarmEvaluation {
  state: AlarmStateValue;
  reason: string;
  reasonData: string;
}

const PHRASES: Record<ThresholdComparison, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

export function isThresholdComparison(op: string): op is ThresholdComparison {
  return op in PHRASES;
}

export function breaches(rule: Pick<AlarmRule, 'comparison' | 'threshold'>, value: number): boolean {
  switch (rule.comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= rule.threshold;
    case 'GreaterThanThreshold':
      return value > rule.threshold;
    case 'LessThanThreshold':
      return value < rule.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= rule.threshold;
  }
}

/** The periods of the evaluation range (period starts, oldest first). */
export function evaluationRange(rule: AlarmRule, datapoints: readonly AlarmDatapoint[], now: Date): number[] {
  const p = rule.periodSeconds * 1000;
  const current = Math.floor(now.getTime() / p) * p;
  const last = datapoints.some((d) => d.timestamp === current) ? current : current - p;
  const out: number[] = [];
  for (let i = rule.evaluationPeriods - 1; i >= 0; i--) out.push(last - i * p);
  return out;
}

/** The state the alarm should be in, or undefined when it keeps its current state (`ignore`). */
export function evaluateAlarm(
  rule: AlarmRule,
  datapoints: readonly AlarmDatapoint[],
  now: Date,
  current: AlarmStateValue,
): AlarmEvaluation | undefined {
  const n = rule.evaluationPeriods;
  const m = Math.min(rule.datapointsToAlarm, n);
  const range = evaluationRange(rule, datapoints, now);
  const byTime = new Map(datapoints.map((d) => [d.timestamp, d]));
  const real = range.map((t) => byTime.get(t)).filter((d): d is AlarmDatapoint => d !== undefined);
  const missing = n - real.length;
  const breachingReal = real.filter((d) => breaches(rule, d.value)).length;
  const nonBreachingReal = real.length - breachingReal;

  if (real.length === 0) {
    switch (rule.treatMissingData) {
      case 'ignore':
        return undefined;
      case 'missing':
        return {
          state: 'INSUFFICIENT_DATA',
          reason: `Insufficient Data: ${plural(n, 'datapoint')} ${n === 1 ? 'was' : 'were'} unknown.`,
          reasonData: reasonData(rule, now, []),
        };
      default: {
        const breaching = rule.treatMissingData === 'breaching';
        return {
          state: breaching ? 'ALARM' : 'OK',
          reason:
            `Threshold Crossed: no datapoints were received for ${plural(n, 'period')} and ` +
            `${plural(n, 'missing datapoint')} ${n === 1 ? 'was' : 'were'} treated as [${breaching ? 'Breaching' : 'NonBreaching'}].`,
          reasonData: reasonData(rule, now, []),
        };
      }
    }
  }

  const breaching = breachingReal + (rule.treatMissingData === 'breaching' ? missing : 0);
  const nonBreaching = nonBreachingReal + (rule.treatMissingData === 'notBreaching' ? missing : 0);
  let state: AlarmStateValue;
  if (missing > 0 && rule.treatMissingData === 'missing') {
    state = breachingReal >= Math.min(m, real.length) ? 'ALARM' : 'OK';
  } else if (missing > 0 && rule.treatMissingData === 'ignore') {
    if (breaching >= m) state = 'ALARM';
    else if (nonBreaching > n - m) state = 'OK';
    else return undefined;
  } else {
    state = breaching >= m ? 'ALARM' : 'OK';
  }

  const newestFirst = [...real].reverse();
  const list = newestFirst.map((d) => `${javaDouble(d.value)} (${shortDate(d.timestamp)})`).join(', ');
  const count = state === 'ALARM' ? breaching : nonBreaching;
  const minimum = state === 'ALARM' ? m : n - m + 1;
  const reason =
    `Threshold Crossed: ${count} out of the last ${n} datapoints [${list}] ${count === 1 ? 'was' : 'were'} ` +
    `${state === 'OK' ? 'not ' : ''}${PHRASES[rule.comparison]} the threshold (${javaDouble(rule.threshold)}) ` +
    `(minimum ${plural(minimum, 'datapoint')} for ${current} -> ${state} transition).`;
  return { state, reason, reasonData: reasonData(rule, now, real) };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function reasonData(rule: AlarmRule, now: Date, real: readonly AlarmDatapoint[]): string {
  const fields: Array<[string, string]> = [
    ['version', '"1.0"'],
    ['queryDate', JSON.stringify(awsTimestamp(now.getTime()))],
  ];
  if (real.length > 0)
    fields.push(['startDate', JSON.stringify(awsTimestamp((real[0] as AlarmDatapoint).timestamp))]);
  fields.push(
    ['statistic', JSON.stringify(rule.statistic)],
    ['period', String(rule.periodSeconds)],
    ['recentDatapoints', `[${real.map((d) => javaDouble(d.value)).join(',')}]`],
    ['threshold', javaDouble(rule.threshold)],
  );
  if (real.length > 0) {
    const evaluated = [...real]
      .reverse()
      .map(
        (d) =>
          `{"timestamp":${JSON.stringify(awsTimestamp(d.timestamp))},"sampleCount":${javaDouble(d.sampleCount)},"value":${javaDouble(d.value)}}`,
      );
    fields.push(['evaluatedDatapoints', `[${evaluated.join(',')}]`]);
  }
  return `{${fields.map(([k, v]) => `"${k}":${v}`).join(',')}}`;
}

/** How Java prints a double (CloudWatch writes its reasons from Java): 5.0, 0.25, 1.0E7. */
export function javaDouble(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (v === 0) return '0.0';
  if (abs >= 1e-3 && abs < 1e7) return Number.isInteger(v) ? v.toFixed(1) : String(v);
  const [mantissa = '0', exponent = '0'] = v.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** `2019-10-01T13:46:00.000+0000`, the timestamp format of alarm JSON documents. */
export function awsTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** `01/10/19 13:46:00` (dd/MM/yy HH:mm:ss, UTC), as datapoints appear in a StateReason. */
export function shortDate(ms: number): string {
  const d = new Date(ms);
  const two = (x: number) => String(x).padStart(2, '0');
  return (
    `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
  );
}
