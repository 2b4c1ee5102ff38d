// Preloaded into a benchmark sandbox (`node --import tsx --import this`): sets the number of
// homestead parcels of the `small` seed to CITYBRAIN_BENCH_PARCELS, so the map benchmark can seed
// 10k / 30k / 100k parcels with the fixtures' own generator while the rest stays small.
import { SIZES } from '@citybrain/domain';

const parcels = Number(process.env.CITYBRAIN_BENCH_PARCELS);
if (Number.isInteger(parcels) && parcels > 0) SIZES.small.parcels = parcels;
