// No accepted decision can fail in the handler (issue 10, item 3). For every event type in every reachable state,
// valid-shaped and adversarial payloads (extra decimals, huge or odd dates, long text, control and bidi characters,
// wrong types, missing and extra fields, oversized lists) go through the gate (`checkDecision`), and either the gate
// refuses — never throws, always in Chinese with English — or the step the host then applies succeeds, equals the
// step the gate computed, stays within the snapshot budget, and the case's timers fire without throwing.
import fc from 'fast-check';
import { checkDecision, type Check, type RefusalCode } from '../../machines/decide';
import { EVENT_TYPES, type EventType } from '../../machines/events';
import { handoverMachine } from '../../machines/handover';
import { MAX_SNAPSHOT_BYTES, jsonBytes } from '../../machines/limits';
import { shanghaiDate } from '../../machines/calendar';
import { START, VARIANTS, applyMove, fork, movesFrom, payloadOf, rolesToTry, startCase, type CaseNode, type Host } from '../helpers/graph';
import { PARTIES, orgFor } from '../helpers/decisions';

const SEED = Number(process.env.HANDOVER_PROPERTY_SEED ?? 20171110);
const CJK = /[\u4e00-\u9fff]/;
const CODES: RefusalCode[] = ['invalidPayload', 'wrongRole', 'wrongOrganisation', 'futureDate', 'wrongStage', 'caseLimit', 'ruleViolation'];

// ---- reachable states ---------------------------------------------------------------------------------------

/**
 * The reachable states: the state value, the pending timers and what the active stage's guards read (who signed or
 * gave an opinion on an adjustment, who proposed the plan, who signed the agreement). Major problems and new tasks
 * change none of these; each state also comes with one open problem and one task awaiting verification.
 */
function reachable(): { nodes: CaseNode[]; withOpen: CaseNode[] } {
  const key = (node: CaseNode) => {
    const s = node.host.snapshot;
    const c = s.context;
    const stage = typeof s.value === 'string' ? s.value : Object.keys(s.value)[0];
    return JSON.stringify([
      s.value,
      s.status,
      node.host.pending().map((p) => p.id),
      stage === 'planAdjustment' ? [[...(c.adjustment?.signedBy ?? [])].sort(), (c.adjustment?.opinions ?? []).map((o) => `${o.by}:${o.approved}`).sort()] : null,
      stage === 'workPlan' ? (c.workPlan.proposal?.by ?? null) : null,
      stage === 'agreement' ? Object.keys(c.agreement.signatures).sort() : null,
    ]);
  };
  const first: CaseNode = { host: startCase(), now: Date.parse(START), taken: [] };
  const seen = new Map([[key(first), first]]);
  const queue = [first];
  while (queue.length) {
    const node = queue.shift()!;
    for (const move of movesFrom(node)) {
      if (move.type === 'decide' && /^(MAJOR_PROBLEM|NEW_TASK)_/.test(move.input.type)) continue;
      const next = applyMove(node, move);
      const k = key(next);
      if (!seen.has(k)) {
        seen.set(k, next);
        queue.push(next);
      }
    }
  }
  const nodes = [...seen.values()];
  const withOpen = nodes.filter((n) => !n.host.done).map((n) => {
    let node = n;
    for (const type of ['MAJOR_PROBLEM_REPORTED', 'NEW_TASK_REPORTED'] as const) {
      const role = rolesToTry(type)[0]!;
      node = applyMove(node, { type: 'decide', label: type, input: envelope(type, role, shanghaiDate(node.now), payloadOf(type, Object.keys(VARIANTS[type])[0]!, node.host.snapshot.context, '')) });
    }
    return node;
  });
  return { nodes, withOpen };
}

/** The types whose guards read open problems and tasks: swept in the states that have one too. */
const NEEDS_OPEN: readonly EventType[] = ['MAJOR_PROBLEM_FILED', 'NEW_TASK_VERIFIED'];

function envelope(type: string, role: string, occurredOn: string, data: unknown) {
  return { type, actor: { role, org: orgFor(role as never) }, occurredOn, data } as never;
}

// ---- payloads -----------------------------------------------------------------------------------------------

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ODD_DATES = ['9997-01-01', '9999-12-31', '0000-01-01', '1900-01-01', '1949-09-30', '1999-12-31', '2000-01-01', '2100-12-31', '2101-01-01', '2017-02-29', '2020-02-29', '2017-13-01', '2017-1-1', '+02017-01-01', '2017-10-10T00:00:00Z', ''];
const TEXTS = [
  '',
  '   ',
  '问'.repeat(2000),
  '问'.repeat(2001),
  'x'.repeat(201),
  '😀'.repeat(1000),
  '居民\u0000上访',
  '\u202e\u2066反向\u2069',
  '第一行\n第二行\t附注',
  '\r\n',
  '\ud800',
  '=HYPERLINK("http://x")',
  '<script>alert(1)</script>',
  '\u0085\u007f',
];
const NUMBERS = [0, -0, 1, 0.01, 12.34, 4000.005, 0.051, 0.491, 0.1 + 0.2, -1, 1.5, 2 ** 31, 2 ** 53, 9_999_999_999.99, 10_000_000_000.01, 1e21, 1e-7, 100_000_000.01];
const WRONG_TYPES: unknown[] = [null, '100', true, [], {}, [1, 2], { nested: { deep: 1 } }];

/** Any JSON-ish value fast-check can think of, for a leaf. */
const randomLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.double({ noNaN: false }),
  fc.integer(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.boolean(),
  fc.constant(null),
  fc.date({ min: new Date('1800-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
);

type Path = Array<string | number>;

function leaves(value: unknown, path: Path = []): Array<{ path: Path; value: unknown }> {
  const here = { path, value };
  if (Array.isArray(value)) return [here, ...value.flatMap((v, i) => leaves(v, [...path, i]))];
  if (value && typeof value === 'object') return [here, ...Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))];
  return [here];
}

/** What a value at a path may become: odd values of its own kind, values of other kinds, or nothing. */
function replacements(value: unknown): unknown[] {
  if (typeof value === 'number') return [...NUMBERS, ...WRONG_TYPES, undefined];
  if (typeof value === 'string') return [...(DATE.test(value) ? ODD_DATES : TEXTS), ...NUMBERS.slice(0, 3), ...WRONG_TYPES, undefined];
  if (typeof value === 'boolean') return [!value, 'true', 0, null, undefined];
  if (Array.isArray(value)) return [[], [...value, ...value, ...value], Array.from({ length: 201 }, () => value[0]), [null], {}, undefined];
  if (value && typeof value === 'object') return [{}, { ...value, unexpected: 1 }, [], 'object', null, undefined];
  return [...WRONG_TYPES, 0, ''];
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string | number, unknown>;
  const [head, ...rest] = path;
  if (rest.length === 0 && value === undefined) {
    if (Array.isArray(copy)) (copy as unknown[]).splice(Number(head), 1);
    else delete copy[head!];
  } else copy[head!] = setAt(copy[head!], rest, value);
  return copy;
}

type Mutation = { path: number; choice: number; random: unknown; useRandom: boolean };

function mutate(input: Record<string, unknown>, mutations: Mutation[]): unknown {
  let out: unknown = input;
  for (const m of mutations) {
    const spots = leaves(out);
    const spot = spots[m.path % spots.length]!;
    const options = replacements(spot.value);
    out = setAt(out, spot.path, m.useRandom ? m.random : options[m.choice % options.length]);
  }
  return out;
}

// ---- the property -------------------------------------------------------------------------------------------

const stats = { accepted: 0, refused: new Map<string, number>(), states: 0, acceptedTypes: new Set<string>() };

/**
 * The gate refuses (never throws, in both languages), or the step succeeds as the gate computed it; with
 * `thenTimers`, every timer the case then has fires without throwing, to the end of its deadlines.
 */
function gateOrStep(node: CaseNode, input: unknown, thenTimers = true): void {
  // Plain checks on the hot path (tens of thousands of calls); `expect` only to report a failure.
  let check: Check;
  try {
    check = checkDecision(node.host.snapshot, PARTIES, input, node.now);
  } catch (err) {
    expect({ input, threw: String(err) }).toEqual({ input, threw: 'nothing: the gate refuses instead of throwing' });
    return;
  }
  if (!check.ok) {
    const r = check.refusal;
    stats.refused.set(r.code, (stats.refused.get(r.code) ?? 0) + 1);
    const bilingual = (text: string) => new RegExp(`${CJK.source}[^]* \\([^]+\\)$`).test(text);
    const wellFormed =
      CODES.includes(r.code) &&
      CJK.test(r.message.zh) &&
      r.message.en.length > 0 &&
      (r.code !== 'invalidPayload' || (!!r.issues?.length && r.issues.every((i) => i.path.length > 0 && bilingual(`${i.path}: ${i.message}`))));
    if (!wellFormed) expect({ input, refusal: r }).toEqual({ input, refusal: 'a known code, in Chinese with English, issues naming their field' });
    return;
  }
  stats.accepted++;
  stats.acceptedTypes.add(check.event.type);
  const host: Host = fork(node.host);
  try {
    host.send(check.event, node.now);
  } catch (err) {
    expect({ input, threw: String(err) }).toEqual({ input, threw: 'nothing: an accepted decision applies' });
  }
  const persisted = host.persist();
  const computed = handoverMachine.getPersistedSnapshot(check.step.snapshot as never);
  if (JSON.stringify(persisted.snapshot) !== JSON.stringify(computed)) expect(persisted.snapshot).toEqual(computed);
  const bytes = jsonBytes(persisted);
  if (bytes >= MAX_SNAPSHOT_BYTES) expect(bytes).toBeLessThan(MAX_SNAPSHOT_BYTES);
  if (!thenTimers) return;
  expect(() => host.fireDue(node.now + 200 * 365 * 86_400_000)).not.toThrow();
  expect(() => fork(host)).not.toThrow();
}

describe('no accepted decision can fail in the handler', () => {
  let nodes: CaseNode[];
  let withOpen: CaseNode[];
  let all: CaseNode[];

  beforeAll(() => {
    ({ nodes, withOpen } = reachable());
    all = [...nodes, ...withOpen];
    stats.states = all.length;
  });

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`decision gate: ${stats.states} reachable states, ${stats.accepted} accepted, refused ${JSON.stringify(Object.fromEntries(stats.refused))}`);
  });

  it('reaches every stage, and states with guards on both sides', () => {
    const stages = new Set(nodes.map((n) => (typeof n.host.snapshot.value === 'string' ? n.host.snapshot.value : Object.keys(n.host.snapshot.value)[0])));
    expect([...stages].sort()).toEqual(['agreement', 'completed', 'handedOver', 'implementation', 'planAdjustment', 'survey', 'workPlan']);
    expect(nodes.length).toBeGreaterThan(100);
  });

  it('every event type in every reachable state: valid payloads, and one with a field spoiled', () => {
    // Deterministic: each type's valid variants with each role allowed to send it, then one spoiled.
    const rng = fc.sample(fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), { seed: SEED, numRuns: all.length * EVENT_TYPES.length });
    let k = 0;
    for (const node of all) {
      const today = shanghaiDate(node.now);
      for (const type of withOpen.includes(node) ? NEEDS_OPEN : EVENT_TYPES) {
        const picks = rng[k++]!;
        const variants = Object.keys(VARIANTS[type]);
        for (const role of rolesToTry(type)) {
          for (const variant of variants) gateOrStep(node, envelope(type, role, today, payloadOf(type, variant, node.host.snapshot.context, today)), false);
        }
        const role = rolesToTry(type)[picks[0]! % rolesToTry(type).length]!;
        const valid = envelope(type, role, today, payloadOf(type, variants[picks[1]! % variants.length]!, node.host.snapshot.context, today)) as Record<string, unknown>;
        gateOrStep(node, mutate(valid, [{ path: picks[2]!, choice: picks[3]!, random: null, useRandom: false }]), false);
      }
    }
    // Not a vacuous sweep: most types are accepted somewhere.
    expect(stats.acceptedTypes.size).toBe(EVENT_TYPES.length);
  });

  it('random payloads, envelopes and dates in random reachable states', () => {
    const mutation = fc.record({ path: fc.nat(), choice: fc.nat(), random: randomLeaf, useRandom: fc.boolean() });
    fc.assert(
      fc.property(
        fc.nat(),
        fc.constantFrom(...EVENT_TYPES),
        fc.nat(),
        fc.nat(),
        fc.array(mutation, { minLength: 0, maxLength: 4 }),
        (nodePick, type: EventType, rolePick, variantPick, mutations) => {
          const node = all[nodePick % all.length]!;
          const today = shanghaiDate(node.now);
          const roles = rolesToTry(type);
          const variants = Object.keys(VARIANTS[type]);
          const valid = envelope(type, roles[rolePick % roles.length]!, today, payloadOf(type, variants[variantPick % variants.length]!, node.host.snapshot.context, today)) as Record<string, unknown>;
          gateOrStep(node, mutate(valid, mutations));
        },
      ),
      { seed: SEED, numRuns: 1500 },
    );
  });
});
