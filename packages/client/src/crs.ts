/**
 * Coordinate conversion for vendors (`@citybrain/client/crs`): CGCS2000 geographic (EPSG:4490) to and
 * from 3-degree Gauss-Krüger CM 114°E (EPSG:4547) and the other CRSs the platform accepts in `crs` /
 * `bbox-crs`. The same module the server converts with; a separate entry so that bundles that never
 * convert do not carry proj4.
 */
export * from '@citybrain/crs';
