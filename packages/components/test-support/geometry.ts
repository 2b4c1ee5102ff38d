/** Plane geometry for picking click targets in the map tests (lon/lat treated as x/y: fine at village scale). */
export type Position = [number, number];

export function inside([x, y]: Position, ring: Position[]): boolean {
  let result = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) result = !result;
  }
  return result;
}

/** A point well inside a polygon: of a grid over its bbox, the inside point farthest from the outline. */
export function interiorPoint(ring: Position[]): Position {
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  const [w, e, s, n] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let best: Position = [(w + e) / 2, (s + n) / 2];
  let bestDistance = -1;
  for (let i = 1; i < 24; i++) {
    for (let j = 1; j < 24; j++) {
      const point: Position = [w + ((e - w) * i) / 24, s + ((n - s) * j) / 24];
      if (!inside(point, ring)) continue;
      const distance = Math.min(...ring.map(([x, y]) => Math.hypot(x - point[0], y - point[1])));
      if (distance > bestDistance) {
        best = point;
        bestDistance = distance;
      }
    }
  }
  return best;
}
