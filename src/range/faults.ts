import { ServiceError } from './errors.js';

/** Faults on demand: a share of requests throttled, failed with a 500, or slowed down. */
export interface FaultSpec {
  throttle?: number;
  error?: number;
  latencyMs?: number;
}

export interface FaultDecision {
  error?: ServiceError;
  delayMs?: number;
}

export interface FaultInjector {
  decide(service: string, operation: string, protocol: string): FaultDecision | undefined;
}

/** Parse `throttle=0.1,error=0.02,latency=50ms` (the `--faults` flag). */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [key, value = ''] = part.split('=').map((s) => s.trim()) as [string, string?];
    if (key === 'throttle' || key === 'error') {
      const n = Number(value);
      if (!(n >= 0 && n <= 1))
        throw new Error(`fault '${key}' needs a share between 0 and 1, got '${value}'`);
      spec[key] = n;
    } else if (key === 'latency') {
      const m = /^(\d+)(ms|s)?$/.exec(value);
      if (!m) throw new Error(`fault 'latency' needs a duration like 50ms, got '${value}'`);
      spec.latencyMs = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
    } else {
      throw new Error(`unknown fault '${key}' (known: throttle, error, latency)`);
    }
  }
  return spec;
}

/** The error each service family answers when it throttles. */
export function throttlingError(service: string, protocol: string): ServiceError {
  if (protocol === 'ec2') return new ServiceError('RequestLimitExceeded', 'Request limit exceeded.', 503);
  if (service === 's3' || service === 's3control')
    return new ServiceError('SlowDown', 'Please reduce your request rate.', 503);
  if (protocol === 'json') return new ServiceError('ThrottlingException', 'Rate exceeded', 400);
  return new ServiceError('Throttling', 'Rate exceeded', 400);
}

export class RandomFaults implements FaultInjector {
  constructor(
    public spec: FaultSpec,
    private readonly random: () => number = Math.random,
  ) {}

  decide(service: string, _operation: string, protocol: string): FaultDecision | undefined {
    const { throttle = 0, error = 0, latencyMs = 0 } = this.spec;
    if (!throttle && !error && !latencyMs) return undefined;
    const decision: FaultDecision = {};
    if (latencyMs) decision.delayMs = latencyMs;
    const r = this.random();
    if (r < throttle) decision.error = throttlingError(service, protocol);
    else if (r < throttle + error) {
      decision.error = new ServiceError(
        protocol === 'json' ? 'InternalFailure' : 'InternalError',
        'We encountered an internal error. Please try again.',
        500,
      );
    }
    return decision;
  }
}
