// The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters with a check character.
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters, or undefined if one of them is not allowed. */
export function creditCodeCheckChar(first17: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CHARSET.indexOf(first17[i] ?? '');
    if (v < 0) return undefined;
    sum += v * WEIGHTS[i]!;
  }
  return CHARSET[(31 - (sum % 31)) % 31];
}

/** Why `code` is not a valid unified social credit code, or undefined when it is. */
export function creditCodeProblem(code: string): { zh: string; en: string } | undefined {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) {
    return { zh: `统一社会信用代码应为18位数字或大写字母（不含 I、O、S、V、Z）：${code}`, en: `a credit code is 18 digits or capital letters (no I, O, S, V, Z): ${code}` };
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (expected !== code[17]) {
    return { zh: `统一社会信用代码校验位错误：${code}，应为 ${expected}`, en: `wrong check character in credit code ${code}: expected ${expected}` };
  }
  return undefined;
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === undefined;
}
