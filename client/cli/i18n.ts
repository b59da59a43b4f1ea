// The CLI's two languages: the Lang type, the bilingual message helper, and how the language is chosen.

export type Lang = 'zh' | 'en';

export const LANGS: readonly Lang[] = ['zh', 'en'];

/** A user-facing text in both languages; chosen with `t` once the language is known. */
export interface Localized {
  zh: string;
  en: string;
}

/** The text of `message` in `lang`. */
export function t(lang: Lang, message: Localized): string {
  return lang === 'en' ? message.en : message.zh;
}

export function isLang(value: unknown): value is Lang {
  return value === 'zh' || value === 'en';
}

/**
 * The language the command line asks for, read before commander parses it: help texts are built
 * in that language, and errors commander raises while parsing must be printed in it too. Mirrors
 * commander's rules for `--lang` so the two never disagree: the last `--lang X` / `--lang=X`
 * before a `--` wins, then `HANDOVER_LANG`, then Chinese. An invalid value falls back to Chinese
 * here (commander reports it as a usage error).
 */
export function requestedLang(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Lang {
  let fromArgv: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg === '--lang') fromArgv = argv[++i];
    else if (arg?.startsWith('--lang=')) fromArgv = arg.slice('--lang='.length);
  }
  const requested = fromArgv ?? env.HANDOVER_LANG;
  return isLang(requested) ? requested : 'zh';
}
