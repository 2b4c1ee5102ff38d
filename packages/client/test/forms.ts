/** Request bodies the tests send: valid by the contracts' rules (GB 11643 check digits, the district's extent). */
import { createRng, randomPointIn } from '@citybrain/domain';
import type { ApplicationCreate } from '../src/index.js';

const TANGBIAN = '440605124201';
// Village boundaries are synthetic, so the site is drawn inside the sandbox's own 唐边村 boundary.
const site = randomPointIn(createRng('client-tests'), TANGBIAN);

/** A homestead application of a 唐边村 household, as in the contract's example (checksummed ID numbers). */
export function applicationForm(): ApplicationCreate {
  return {
    villageCode: TANGBIAN,
    groupName: '唐边第三村民小组',
    location: [site[0], site[1]],
    jcxx: { xm: '陈志强', xb: '男', nl: 44, lxdh: '13926081234', sfzh: '440605198203151312', hksz: '广东省佛山市南海区狮山镇唐边村第三村民小组' },
    jtcy: [{ xm: '李美玲', nl: 41, yhzgx: '配偶', sfzh: '440605198508212622', hkszd: '广东省佛山市南海区狮山镇唐边村' }],
    xzjxqk: { zjdmj: 0, jzmj: 0, qszsh: '无', xzjdclqk: '其他' },
    nzjdqk: {
      zjdmj: 80,
      fjzdmj: 72,
      dz: '狮山镇唐边村第三村民小组新村二巷西侧',
      szdz: '村道',
      sznz: '陈国华宅基地',
      szxz: '空地',
      szbz: '二巷',
      dl: '建设用地',
      dlxl: null,
      jflx: '异址新建',
      zfjzmj: 216,
      jzcs: 3,
      jzgd: 10.5,
      sfzqxlqlryj: true,
    },
    qt: { sqly: '家庭人口增加，现无宅基地，申请异址新建住房', sqr: '陈志强', sqrrq: '2026-10-12' },
  };
}
