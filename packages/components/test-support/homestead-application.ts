/**
 * A complete, valid homestead application as `<cb-application-form>` keeps it (raw text by field
 * path), for tests and stories: the household of the spec's example (陈志强, 唐边村, 狮山镇), with
 * ages computed for `today` so the server's age-against-ID check passes on any day.
 */
export interface FilledForm {
  values: Record<string, string>;
  rows: Record<string, number>;
}

/** Today in Asia/Shanghai, `YYYY-MM-DD`. */
export function shanghaiToday(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export function filledHomestead(today = shanghaiToday()): FilledForm {
  const age = (birthDate: string) => String(ageOn(birthDate, today));
  return {
    rows: { jtcy: 2 },
    values: {
      villageCode: '440605124201',
      groupName: '唐边第三村民小组',
      'location.0': '113.0392',
      'location.1': '23.1487',
      'jcxx.xm': '陈志强',
      'jcxx.xb': '男',
      'jcxx.nl': age('1982-03-15'),
      'jcxx.lxdh': '13926081234',
      'jcxx.sfzh': '440605198203151312',
      'jcxx.hksz': '广东省佛山市南海区狮山镇唐边村第三村民小组',
      'jtcy.0.xm': '李美玲',
      'jtcy.0.nl': age('1985-08-21'),
      'jtcy.0.yhzgx': '配偶',
      'jtcy.0.sfzh': '440605198508212622',
      'jtcy.0.hkszd': '广东省佛山市南海区狮山镇唐边村',
      'jtcy.1.xm': '何秀英',
      'jtcy.1.nl': age('1957-10-02'),
      'jtcy.1.yhzgx': '母亲',
      'jtcy.1.sfzh': '440605195710021447',
      'jtcy.1.hkszd': '广东省佛山市南海区狮山镇唐边村',
      'xzjxqk.zjdmj': '0',
      'xzjxqk.jzmj': '0',
      'xzjxqk.qszsh': '无',
      'xzjxqk.xzjdclqk': '其他',
      'nzjdqk.zjdmj': '80',
      'nzjdqk.fjzdmj': '72',
      'nzjdqk.dz': '狮山镇唐边村第三村民小组新村二巷西侧',
      'nzjdqk.szdz': '村道',
      'nzjdqk.sznz': '陈国华宅基地',
      'nzjdqk.szxz': '空地',
      'nzjdqk.szbz': '二巷',
      'nzjdqk.dl': '建设用地',
      'nzjdqk.jflx': '异址新建',
      'nzjdqk.zfjzmj': '216',
      'nzjdqk.jzcs': '3',
      'nzjdqk.jzgd': '10.5',
      'nzjdqk.sfzqxlqlryj': 'true',
      'qt.sqly': '家庭人口增加，现无宅基地，申请异址新建住房',
      'qt.sqr': '陈志强',
      'qt.sqrrq': today,
    },
  };
}
