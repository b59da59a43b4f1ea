// Diagrams of XState machines: every state and transition drawn in Mermaid and DOT, active states marked, SVG rendered.
import { and, createActor, not, setup, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { stateNodeIds, toDot, toMermaid, toSvg } from '../../machines/diagram';
import { transitionPeriodMachine } from '../../machines/transition-period';

type RichEvent =
  | { type: 'SUBMIT' }
  | { type: 'NOTE' }
  | { type: 'SIGN' }
  | { type: 'REJECT' }
  | { type: 'PAY'; amount: number }
  | { type: 'AUDIT_DONE' }
  | { type: 'REOPEN' }
  | { type: 'RESUME' }
  | { type: 'CANCEL' };

/** Nested, parallel, named and numeric delays, guards (named, combined, parameterised), always, history, #id, finals, root-level events. */
const richMachine = setup({
  types: { events: {} as RichEvent },
  guards: {
    bothSigned: () => true,
    withinBudget: () => true,
    waived: () => false,
    minAmount: (_: unknown, params: { min: number }) => params.min > 0,
  },
  delays: { agreementDeadline: 10_000, auditWindow: 20_000 },
}).createMachine({
  id: 'handover',
  initial: 'preparation',
  on: { CANCEL: '.cancelled' },
  states: {
    preparation: {
      meta: { label: '准备阶段' },
      description: '企业摸底、清单编制，报区县民政部门备案',
      on: { SUBMIT: 'agreement', NOTE: {} },
    },
    agreement: {
      meta: { label: '移交协议' },
      initial: 'drafting',
      states: {
        drafting: {
          meta: { label: '起草中' },
          on: { SIGN: [{ target: 'signed', guard: 'bothSigned' }, { target: 'drafting', reenter: true }] },
          after: { agreementDeadline: '#handover.escalated' },
        },
        signed: { meta: { label: '已签署' }, type: 'final' },
        hist: { type: 'history', history: 'deep' },
      },
      on: { REJECT: 'preparation' },
      onDone: 'execution',
    },
    execution: {
      meta: { label: '移交执行' },
      type: 'parallel',
      states: {
        funding: {
          meta: { label: '经费' },
          initial: 'pending',
          states: {
            pending: {
              meta: { label: '待拨付' },
              on: {
                PAY: [
                  { target: 'paid', guard: and(['withinBudget', not('waived')]) },
                  { target: 'paid', guard: { type: 'minAmount', params: { min: 1 } } },
                ],
              },
            },
            paid: { meta: { label: '已拨付' }, type: 'final' },
          },
        },
        staff: {
          meta: { label: '人员' },
          initial: 'transferring',
          states: {
            transferring: { meta: { label: '人员划转' }, after: { 5000: 'transferred' } },
            transferred: { meta: { label: '已划转' }, type: 'final' },
          },
        },
      },
      onDone: 'audit',
    },
    audit: {
      meta: { label: '审计验收' },
      always: { target: 'done', guard: 'waived' },
      on: { AUDIT_DONE: 'done', REOPEN: 'agreement.hist' },
      after: { auditWindow: 'escalated' },
    },
    escalated: { meta: { label: '逾期督办' }, on: { RESUME: 'preparation' } },
    cancelled: { meta: { label: '已撤销' }, type: 'final' },
    done: { meta: { label: '移交完成' }, type: 'final' },
  },
});

/** Every transition of the machine as [source id, target id (source for targetless), label], written out by hand. */
const EXPECTED_EDGES: Array<[string, string, string]> = [
  ['handover', 'handover.cancelled', 'CANCEL'],
  ['handover.preparation', 'handover.agreement', 'SUBMIT'],
  ['handover.preparation', 'handover.preparation', 'NOTE'],
  ['handover.agreement', 'handover.preparation', 'REJECT'],
  ['handover.agreement', 'handover.execution', 'onDone'],
  ['handover.agreement.drafting', 'handover.agreement.signed', 'SIGN [bothSigned]'],
  ['handover.agreement.drafting', 'handover.agreement.drafting', 'SIGN'],
  ['handover.agreement.drafting', 'handover.escalated', 'after agreementDeadline'],
  ['handover.execution', 'handover.audit', 'onDone'],
  ['handover.execution.funding.pending', 'handover.execution.funding.paid', 'PAY [withinBudget && !waived]'],
  ['handover.execution.funding.pending', 'handover.execution.funding.paid', 'PAY [minAmount]'],
  ['handover.execution.staff.transferring', 'handover.execution.staff.transferred', 'after 5s'],
  ['handover.audit', 'handover.done', 'always [waived]'],
  ['handover.audit', 'handover.done', 'AUDIT_DONE'],
  ['handover.audit', 'handover.agreement.hist', 'REOPEN'],
  ['handover.audit', 'handover.escalated', 'after auditWindow'],
  ['handover.escalated', 'handover.preparation', 'RESUME'],
];

/** All state nodes of a machine, walked straight from XState (independently of the diagram code). */
function allStateNodes(machine: AnyStateMachine): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  const walk = (n: AnyStateNode): void => {
    out.push(n);
    for (const c of Object.values(n.states) as AnyStateNode[]) walk(c);
  };
  walk(machine.root as AnyStateNode);
  return out;
}

/** How many edges the machine's transitions make (one per target; a targetless transition makes one). */
function edgeCount(machine: AnyStateMachine): number {
  let n = 0;
  for (const node of allStateNodes(machine)) {
    const all = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
    for (const t of all) n += Math.max(1, t.target?.length ?? 0);
  }
  return n;
}

const mid = (id: string): string => id.replace(/\./g, '_');
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('machine diagrams', () => {
  it('the hand-written edge list covers every transition of the test machine', () => {
    expect(EXPECTED_EDGES).toHaveLength(edgeCount(richMachine));
  });

  describe('Mermaid', () => {
    const text = toMermaid(richMachine);

    it('is a left-to-right stateDiagram-v2 with every state, labels in Chinese', () => {
      expect(text).toMatch(/^---\ntitle: "handover"\n---\nstateDiagram-v2\n {2}direction LR\n/);
      for (const node of allStateNodes(richMachine)) {
        if (node.id === 'handover') continue;
        expect(text).toMatch(new RegExp(`state "[^"]+" as ${escapeRe(mid(node.id))}( \\{)?\\n`));
      }
      expect(text).toContain('state "移交协议" as handover_agreement {');
      expect(text).toContain('state "起草中" as handover_agreement_drafting\n');
      expect(text).toContain('state "H*" as handover_agreement_hist');
      expect(text).toContain('handover_preparation : 企业摸底、清单编制，报区县民政部门备案');
    });

    it('draws every transition with its event, guard or delay', () => {
      for (const [from, to, label] of EXPECTED_EDGES) {
        const source = from === 'handover' ? 'handover__any' : mid(from);
        expect(text).toContain(`${source} --> ${mid(to)} : ${label}\n`);
      }
      const transitionLines = text.split('\n').filter((l) => / --> (?!\[\*\]).* : /.test(l));
      expect(transitionLines).toHaveLength(EXPECTED_EDGES.length);
    });

    it('marks initial and final states with [*]', () => {
      expect(text).toContain('  [*] --> handover_preparation\n');
      expect(text).toContain('    [*] --> handover_agreement_drafting\n');
      for (const f of ['handover_agreement_signed', 'handover_execution_funding_paid', 'handover_execution_staff_transferred', 'handover_done', 'handover_cancelled']) {
        expect(text).toMatch(new RegExp(`\\n {2,}${f} --> \\[\\*\\]\\n`));
      }
    });

    it('shows parallel regions separated by --', () => {
      const block = text.slice(text.indexOf('state "移交执行" as handover_execution {'));
      const funding = block.indexOf('state "经费" as handover_execution_funding {');
      const separator = block.indexOf('\n    --\n');
      const staff = block.indexOf('state "人员" as handover_execution_staff {');
      expect(funding).toBeGreaterThan(0);
      expect(separator).toBeGreaterThan(funding);
      expect(staff).toBeGreaterThan(separator);
    });

    it('styles highlighted states with classDef active, from ids or dotted paths', () => {
      const hl = toMermaid(richMachine, { highlight: ['handover.agreement.drafting', 'audit'] });
      expect(hl).toContain('classDef active fill:#ffe08a');
      expect(hl).toMatch(/\n {2}class handover_agreement_drafting,handover_audit active\n/);
      expect(text).not.toMatch(/\n {2}class [^\n]* active\n/);
    });

    it('uses Mermaid-safe identifiers and the labels callback', () => {
      const m = setup({}).createMachine({
        id: 'weird-id',
        initial: 'a b',
        states: { 'a b': { on: { GO: '中文' } }, 中文: { type: 'final' } },
      });
      const t = toMermaid(m, { labels: (id) => (id === 'weird-id.a b' ? 'Say "hi"' : undefined), title: false });
      expect(t).toContain(`state "Say 'hi'" as weird_id_a_b`);
      expect(t).toContain('state "中文" as weird_id_u4e2du6587');
      expect(t).toContain('weird_id_a_b --> weird_id_u4e2du6587 : GO');
      expect(t.startsWith('stateDiagram-v2\n')).toBe(true);
    });
  });

  describe('DOT', () => {
    const dot = toDot(richMachine);

    it('is a compact left-to-right digraph with a CJK font', () => {
      expect(dot).toMatch(/^digraph "handover" \{\n/);
      expect(dot).toContain('rankdir="LR"');
      expect(dot).toContain('compound="true"');
      expect(dot).toContain('fontname="Noto Sans CJK SC, WenQuanYi Micro Hei');
      expect(dot.trimEnd().endsWith('}')).toBe(true);
    });

    it('has a cluster for every composite state and a node for every other state', () => {
      for (const node of allStateNodes(richMachine)) {
        if (Object.keys(node.states).length > 0) {
          expect(dot).toContain(`subgraph "cluster_${node.id}" {`);
          if (node.type === 'compound') expect(dot).toContain(`"${node.id}::initial" [shape="point"`);
        } else {
          expect(dot).toContain(`  "${node.id}" [id="state:${node.id}"`);
        }
      }
      expect(dot).toMatch(/"handover\.done" \[[^\n]*peripheries=2/);
      expect(dot).toMatch(/"handover\.agreement\.hist" \[[^\n]*label="H\*"/);
      expect(dot).toContain('label=<准备阶段<br/><font point-size="8"');
    });

    it('draws every transition as a labelled edge', () => {
      const edges = dot.split('\n').filter((l) => l.includes('class="transition'));
      expect(edges).toHaveLength(EXPECTED_EDGES.length);
      // A composite's edges attach to its initial dot (compound) or an invisible anchor (parallel), clipped to the cluster.
      const composites: Record<string, string> = { 'handover.agreement': '::initial', 'handover.execution': '::anchor' };
      for (const [from, to, label] of EXPECTED_EDGES) {
        const tail = from === 'handover' ? 'handover::any' : from + (composites[from] ?? '');
        const line = `  "${tail}" -> "${to + (composites[to] ?? '')}" [label="${label.replace(' [', '\\n[')}", `;
        expect(edges.filter((e) => e.startsWith(line))).toHaveLength(1);
      }
      expect(dot).toMatch(/"handover\.agreement\.drafting" -> "handover\.escalated" \[label="after agreementDeadline", class="transition after"[^\n]*style="dashed"/);
      expect(dot).toMatch(/"handover\.agreement::initial" -> "handover\.execution::anchor" \[label="onDone"[^\n]*ltail="cluster_handover\.agreement", lhead="cluster_handover\.execution"/);
      expect(dot).toMatch(/"handover::any" -> "handover\.cancelled" \[label="CANCEL"/);
    });

    it('shows parallel regions as dashed clusters inside the parallel state', () => {
      expect(dot).toMatch(/subgraph "cluster_handover\.execution" \{\n[^\n]*class="parallel"/);
      for (const region of ['funding', 'staff']) {
        expect(dot).toMatch(new RegExp(`subgraph "cluster_handover\\.execution\\.${region}" \\{\\n[^\\n]*style="rounded,filled,dashed"`));
      }
      expect(dot).toMatch(/subgraph "cluster_handover\.agreement" \{\n[^\n]*style="rounded,filled"/);
    });

    it('fills highlighted states and marks the clusters around them', () => {
      const actor = createActor(richMachine).start();
      actor.send({ type: 'SUBMIT' });
      actor.send({ type: 'SIGN' });
      const ids = stateNodeIds(actor.getSnapshot());
      actor.stop();
      expect(ids).toEqual([
        'handover',
        'handover.execution',
        'handover.execution.funding',
        'handover.execution.funding.pending',
        'handover.execution.staff',
        'handover.execution.staff.transferring',
      ]);
      const hl = toDot(richMachine, { highlight: ids });
      expect(hl).toMatch(/"handover\.execution\.funding\.pending" \[[^\n]*class="atomic active"[^\n]*fillcolor="#ffe08a"[^\n]*penwidth=2\.6/);
      expect(hl).toMatch(/"handover\.execution\.staff\.transferring" \[[^\n]*fillcolor="#ffe08a"/);
      expect(hl).toMatch(/subgraph "cluster_handover\.execution" \{\n[^\n]*class="parallel active"/);
      expect(hl).not.toMatch(/"handover\.audit" \[[^\n]*#ffe08a/);
      expect(dot).not.toContain('#ffe08a');
    });
  });

  describe('stateNodeIds', () => {
    it('walks a persisted snapshot value against the machine, or gives root-relative paths without one', () => {
      const actor = createActor(richMachine).start();
      actor.send({ type: 'SUBMIT' });
      // What a host keeps of a snapshot: its value, without the live `_nodes`.
      const persisted = { value: actor.getSnapshot().value };
      actor.stop();
      expect(stateNodeIds({ value: persisted.value }, richMachine)).toEqual(['handover', 'handover.agreement', 'handover.agreement.drafting']);
      expect(stateNodeIds({ value: persisted.value })).toEqual(['agreement', 'agreement.drafting']);
      expect(toDot(richMachine, { highlight: stateNodeIds({ value: persisted.value }) })).toMatch(/"handover\.agreement\.drafting" \[[^\n]*#ffe08a/);
    });
  });

  describe('SVG', () => {
    it('renders the machine with its Chinese state labels, edge labels and the highlight', async () => {
      const svg = await toSvg(richMachine, { highlight: ['handover.audit'] });
      expect(svg).toContain('<svg');
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      for (const label of ['准备阶段', '移交协议', '起草中', '移交执行', '经费', '人员', '审计验收', '移交完成']) expect(svg).toContain(label);
      expect(svg).toContain('after agreementDeadline');
      expect(svg).toContain('[withinBudget &amp;&amp; !waived]');
      expect(svg).toContain('class="node atomic active"');
      expect(svg).toContain('font-family="Noto Sans CJK SC, WenQuanYi Micro Hei');
      expect(svg).not.toContain('DejaVu');
    });

    it('renders labels that need escaping, and the small transition-period machine', async () => {
      const m = setup({}).createMachine({
        id: 'esc',
        initial: 'a',
        states: { a: { meta: { label: 'A "q" <b> & \\ 甲' }, on: { 'GO"<>': 'b' } }, b: { type: 'final' } },
      });
      const svg = await toSvg(m);
      expect(svg).toContain('A &quot;q&quot; &lt;b&gt; &amp; \\ 甲');
      expect(svg).toContain('GO&quot;&lt;&gt;');

      const tp = await toSvg(transitionPeriodMachine, { highlight: ['transitionPeriod.inTransition'] });
      expect(tp).toContain('<svg');
      expect(tp).toContain('after transitionPeriod');
      expect(toMermaid(transitionPeriodMachine)).toContain('transitionPeriod_inTransition --> transitionPeriod_ended : after transitionPeriod');
    });
  });
});
