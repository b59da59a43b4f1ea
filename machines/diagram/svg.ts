// Renders a machine's DOT to SVG with @viz-js/viz (Graphviz in WebAssembly), one cached Viz instance per process.
import type { AnyStateMachine } from 'xstate';
import type { Viz } from '@viz-js/viz' with { 'resolution-mode': 'import' };
import { DIAGRAM_FONT, dotString, toDot } from './dot';
import type { DiagramOptions } from './model';

/**
 * Graphviz in WebAssembly has no font files, only built-in metrics; for an unknown family it measures with Times and
 * counts every UTF-8 byte of a CJK character as a space. 'DejaVu Sans' has built-in metrics close to Noto Sans and
 * about 0.95 em per CJK character, so the layout is measured with it and the SVG then names the CJK font list again.
 */
const LAYOUT_FONT = 'DejaVu Sans';

let vizInstance: Promise<Viz> | undefined;

/** The shared Viz instance (the WebAssembly module is compiled once; a failed start is retried on the next call). */
export function viz(): Promise<Viz> {
  if (!vizInstance) {
    // @viz-js/viz is an ES module; a dynamic import loads it from this CommonJS project.
    vizInstance = import('@viz-js/viz').then((m) => m.instance());
    vizInstance.catch(() => {
      vizInstance = undefined;
    });
  }
  return vizInstance;
}

/** SVG text of any DOT source; throws Graphviz's error messages if the DOT does not render. */
export async function dotToSvg(dot: string): Promise<string> {
  const layoutDot = dot.split(`fontname=${dotString(DIAGRAM_FONT)}`).join(`fontname=${dotString(LAYOUT_FONT)}`);
  const svg = (await viz()).renderString(layoutDot, { format: 'svg' });
  return svg.split(`font-family="${LAYOUT_FONT}"`).join(`font-family="${DIAGRAM_FONT}"`);
}

/** SVG picture of `machine` (the layout of `toDot`, same options). */
export async function toSvg(machine: AnyStateMachine, opts: DiagramOptions = {}): Promise<string> {
  return dotToSvg(toDot(machine, opts));
}
