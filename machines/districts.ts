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
