/** The seven towns and streets (镇街) of Nanhai district, with their real statistical codes. */
export const nanhaiTowns = [
  { code: '440605011', name: '桂城街道' },
  { code: '440605121', name: '九江镇' },
  { code: '440605122', name: '西樵镇' },
  { code: '440605123', name: '丹灶镇' },
  { code: '440605124', name: '狮山镇' },
  { code: '440605125', name: '大沥镇' },
  { code: '440605126', name: '里水镇' },
].map((town) => ({
  ...town,
  level: 'town' as const,
  parentCode: '440605',
  urbanRuralType: null,
  validFrom: '2023-01-01',
  validTo: null,
}));
