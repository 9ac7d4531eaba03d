/**
 * The primary key of a resource: its UTF-16 code units, big-endian. SQLite compares BLOBs with
 * memcmp, so key order is exactly `compareResources` order (JavaScript string order by UTF-16 code
 * units). TEXT would compare UTF-8 bytes, which is code-point order and puts U+FFFF after emoji.
 */
export function resourceKey(resource: string): Buffer {
  return Buffer.from(resource, 'utf16le').swap16();
}

export function resourceOfKey(key: Buffer): string {
  return Buffer.from(key).swap16().toString('utf16le');
}
