// 医保区划 (administrative area codes, GB/T 2260) the terminal names on screen and on paper: a
// cross-region (异地) patient sees the name of the area that insures them. Pools are city-level, so
// two codes of one city (the first four digits) are one pool. Unknown codes are shown as the code.

/** The names the simulator's fixtures use (fixtures/platform/areas.json) and a few more; extend freely. */
const AREA_NAMES: Readonly<Record<string, string>> = {
  '110100': '北京市',
  '310100': '上海市',
  '330100': '浙江省杭州市',
  '440100': '广东省广州市',
  '440300': '广东省深圳市',
  '510100': '四川省成都市',
};

export function areaName(code: string): string {
  return AREA_NAMES[code] ?? AREA_NAMES[`${code.slice(0, 4)}00`] ?? `参保地${code}`;
}

/** 城市统筹: the insured area and the treatment area are one pool when they share the city. */
export function samePool(a: string, b: string): boolean {
  return a.slice(0, 4) === b.slice(0, 4);
}
