/** Per-sandbox state of the GIS service: its repository and its tile caches. */
import type { ServiceContext } from '../../context.js';
import type { Db } from '../../db.js';
import { GisRepository } from './repository.js';
import { TileCache, type TileSet } from './tiles.js';

/** Encoded tiles kept in memory across all tile sets of one sandbox. */
const TILE_CACHE_BYTES = 96 * 1024 * 1024;

/** Per-sandbox state: several sandboxes can run in one process (tests), each with its own database. */
export interface GisState {
  repo: GisRepository;
  cache: TileCache;
  tileSets: Map<string, TileSet>;
}

const states = new WeakMap<Db, GisState>();

export function stateOf(ctx: ServiceContext): GisState {
  let state = states.get(ctx.db);
  if (!state) {
    state = { repo: new GisRepository(ctx.db, ctx.reads), cache: new TileCache(TILE_CACHE_BYTES), tileSets: new Map() };
    states.set(ctx.db, state);
  }
  return state;
}
