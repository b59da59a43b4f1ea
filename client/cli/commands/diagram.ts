// `handover diagram`: the process definition as a picture (SVG) and as Mermaid text.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { handoverMachine } from '../../../machines/handover';
import { toMermaid, toSvg } from '../../../machines/diagram';
import { diagramLabels } from '../../diagram-labels';
import { t } from '../i18n';
import type { CliContext } from '../main';

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export function registerDiagramCommand(program: Command, ctx: CliContext): void {
  const { lang } = ctx;
  program
    .command('diagram')
    .description(t(lang, { zh: '输出流程状态图（SVG 图片与 Mermaid 文本）', en: 'write the process statechart (SVG picture and Mermaid text)' }))
    .option('--svg <file>', t(lang, { zh: '写入 SVG 图片', en: 'write an SVG picture' }))
    .option('--mermaid <file>', t(lang, { zh: '写入 Mermaid 文本', en: 'write Mermaid text' }))
    .action(async (opts: { svg?: string; mermaid?: string }) => {
      const { lang: out } = ctx.globals();
      const labels = diagramLabels(out);
      const mermaid = toMermaid(handoverMachine, { labels, title: false });
      if (!opts.svg && !opts.mermaid) {
        for (const line of mermaid.split('\n')) ctx.io.out(line);
        return;
      }
      if (opts.mermaid) {
        write(opts.mermaid, mermaid + '\n');
        ctx.io.out(t(out, { zh: `已写入 ${opts.mermaid}`, en: `wrote ${opts.mermaid}` }));
      }
      if (opts.svg) {
        write(opts.svg, await toSvg(handoverMachine, { labels, title: false }));
        ctx.io.out(t(out, { zh: `已写入 ${opts.svg}`, en: `wrote ${opts.svg}` }));
      }
    });
}
