// When the delivery dispatcher tries a notification again, and when it gives up: pure functions and their settings.

export interface DeliveryPolicy {
  /** Wait after the first failed attempt. */
  firstRetryMs: number;
  /** Each further failure multiplies the wait by this… */
  backoff: number;
  /** …up to this cap. */
  maxIntervalMs: number;
  /** A row still undelivered this long after it was recorded (or requeued) is given up: state `failed`. */
  maxAgeMs: number;
  /** Random spread of each wait, as a fraction (0.1 = ±10 %), so many rows failing together do not retry in lockstep. */
  jitter: number;
  /** How often the dispatcher looks for due rows when it found none. */
  pollMs: number;
  /** Rows claimed (and posted concurrently) per round. */
  batchSize: number;
  /** One post's time limit. */
  postTimeoutMs: number;
  /** How long a claim keeps other dispatchers off a row; longer than a post may take. */
  leaseMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  firstRetryMs: 5_000,
  backoff: 2,
  maxIntervalMs: 10 * 60_000,
  maxAgeMs: 3 * 24 * 3_600_000,
  jitter: 0.1,
  pollMs: 1_000,
  batchSize: 16,
  postTimeoutMs: 10_000,
  leaseMs: 60_000,
};

/** The wait after the `failures`-th consecutive failure (1 = the first), before jitter. */
export function retryDelayMs(failures: number, policy: Pick<DeliveryPolicy, 'firstRetryMs' | 'backoff' | 'maxIntervalMs'>): number {
  const n = Math.max(1, Math.floor(failures));
  // Exponent bounded so the power never overflows to Infinity for a row that failed thousands of times.
  return Math.min(policy.maxIntervalMs, policy.firstRetryMs * policy.backoff ** Math.min(n - 1, 64));
}

/**
 * After a failed attempt at `now` (the `failures`-th), the instant of the next one, or undefined when the row
 * is given up: its age since `retryFrom` has reached the max age. `random` in [0, 1) spreads the wait.
 */
export function nextAttemptAfterFailure(failures: number, retryFrom: number, now: number, policy: DeliveryPolicy, random: () => number = Math.random): number | undefined {
  if (now - retryFrom >= policy.maxAgeMs) return undefined;
  const base = retryDelayMs(failures, policy);
  const spread = base * policy.jitter * (2 * random() - 1);
  return now + Math.max(1, Math.round(base + spread));
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "500ms", "5s", "10m", "72h", "3d" (a bare number is milliseconds). */
export function parseDuration(text: string, name: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new Error(`${name} 应为时长，如 5s、10m、72h (must be a duration such as 5s, 10m, 72h): "${text}"`);
  const ms = Number(m[1]) * UNITS[m[2] ?? 'ms']!;
  if (!(ms > 0) || !Number.isFinite(ms)) throw new Error(`${name} 应大于 0 (must be greater than 0): "${text}"`);
  return ms;
}

/**
 * The policy from the environment: HANDOVER_DELIVERY_FIRST_RETRY (5s), HANDOVER_DELIVERY_MAX_INTERVAL (10m),
 * HANDOVER_DELIVERY_MAX_AGE (72h), HANDOVER_DELIVERY_POLL (1s). Invalid values are refused, naming the variable.
 */
export function loadDeliveryPolicy(env: NodeJS.ProcessEnv = process.env): DeliveryPolicy {
  const read = (name: string, fallback: number) => (env[name] ? parseDuration(env[name]!, name) : fallback);
  const policy: DeliveryPolicy = {
    ...DEFAULT_DELIVERY_POLICY,
    firstRetryMs: read('HANDOVER_DELIVERY_FIRST_RETRY', DEFAULT_DELIVERY_POLICY.firstRetryMs),
    maxIntervalMs: read('HANDOVER_DELIVERY_MAX_INTERVAL', DEFAULT_DELIVERY_POLICY.maxIntervalMs),
    maxAgeMs: read('HANDOVER_DELIVERY_MAX_AGE', DEFAULT_DELIVERY_POLICY.maxAgeMs),
    pollMs: read('HANDOVER_DELIVERY_POLL', DEFAULT_DELIVERY_POLICY.pollMs),
  };
  if (policy.maxIntervalMs < policy.firstRetryMs) {
    throw new Error('HANDOVER_DELIVERY_MAX_INTERVAL 不应小于 HANDOVER_DELIVERY_FIRST_RETRY (the cap must not be below the first wait)');
  }
  return policy;
}
