// The districts of the plan table (附件1): Chongqing's 38 districts and counties, Liangjiang and Wansheng (§一(一)).
export const DISTRICTS = [
  '万州区', '黔江区', '涪陵区', '渝中区', '大渡口区', '江北区', '沙坪坝区', '九龙坡区', '南岸区', '北碚区',
  '綦江区', '大足区', '渝北区', '巴南区', '长寿区', '江津区', '合川区', '永川区', '南川区', '璧山区',
  '铜梁区', '潼南区', '荣昌区', '开州区', '梁平区', '武隆区',
  '城口县', '丰都县', '垫江县', '忠县', '云阳县', '奉节县', '巫山县', '巫溪县',
  '石柱土家族自治县', '秀山土家族苗族自治县', '酉阳土家族苗族自治县', '彭水苗族土家族自治县',
  '两江新区', '万盛经开区',
] as const;

export type District = (typeof DISTRICTS)[number];

export function isKnownDistrict(name: string): name is District {
  return (DISTRICTS as readonly string[]).includes(name);
}

/**
 * Each district's code in a case id (machines/case-input.ts `caseIdFor`). The 38 districts and counties have their
 * GB/T 2260 administrative division code, as the Ministry of Civil Affairs publishes it (县级以上行政区划代码; checked
 * against the 2024 list): 5001xx for districts, 5002xx for counties. 开州区, 梁平区 and 武隆区 have carried 500154-500156
 * since they became districts in 2016 (before: 开县 500234, 梁平县 500228, 武隆县 500232).
 *
 * 两江新区 (a national new area across parts of 江北区, 渝北区 and 北碚区) and 万盛经开区 (an economic development zone,
 * administratively part of 綦江区 500110) are not administrative divisions and have no GB/T 2260 code. They get
 * letters instead, so their ids stay readable and can never collide with a real code (nor with a credit code's
 * division digits). Codes are part of case ids: never change one of a district that has cases.
 */
export const DISTRICT_CODES: Readonly<Record<District, string>> = {
  万州区: '500101',
  涪陵区: '500102',
  渝中区: '500103',
  大渡口区: '500104',
  江北区: '500105',
  沙坪坝区: '500106',
  九龙坡区: '500107',
  南岸区: '500108',
  北碚区: '500109',
  綦江区: '500110',
  大足区: '500111',
  渝北区: '500112',
  巴南区: '500113',
  黔江区: '500114',
  长寿区: '500115',
  江津区: '500116',
  合川区: '500117',
  永川区: '500118',
  南川区: '500119',
  璧山区: '500120',
  铜梁区: '500151',
  潼南区: '500152',
  荣昌区: '500153',
  开州区: '500154',
  梁平区: '500155',
  武隆区: '500156',
  城口县: '500229',
  丰都县: '500230',
  垫江县: '500231',
  忠县: '500233',
  云阳县: '500235',
  奉节县: '500236',
  巫山县: '500237',
  巫溪县: '500238',
  石柱土家族自治县: '500240',
  秀山土家族苗族自治县: '500241',
  酉阳土家族苗族自治县: '500242',
  彭水苗族土家族自治县: '500243',
  两江新区: 'LJXQ',
  万盛经开区: 'WSJK',
};

/** The district's code in case ids (GB/T 2260, or the letters of a functional zone). */
export function districtCode(district: District): string {
  return DISTRICT_CODES[district];
}

/** The district a code stands for, or undefined. */
export function districtOfCode(code: string): District | undefined {
  return (Object.keys(DISTRICT_CODES) as District[]).find((d) => DISTRICT_CODES[d] === code);
}
