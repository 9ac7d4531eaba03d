import { assert } from '@leasehold/core';

/**
 * Key layout under the store's prefix. Resource names may hold any characters, so they are never
 * spliced into keys as text: a resource is written as its UTF-16 code units, big-endian. etcd
 * orders keys by bytes, so record keys sort exactly as `compareResources` (JavaScript string
 * order), and no name can escape its slot or collide with another.
 *
 *   <prefix>r/<utf16be(resource)>                          the record (etcd key version = version)
 *   <prefix>h/<u16 units><utf16be(resource)><u64 version>  one history event per write
 *   <prefix>s/<name>                                       a named setting
 */
export class Keys {
  readonly #records: Buffer;
  readonly #history: Buffer;
  readonly #settings: Buffer;

  constructor(prefix: string) {
    this.#settings = Buffer.from(`${prefix}s/`, 'utf8');
    this.#records = Buffer.from(`${prefix}r/`, 'utf8');
    this.#history = Buffer.from(`${prefix}h/`, 'utf8');
  }

  record(resource: string): Buffer {
    return Buffer.concat([this.#records, utf16be(resource)]);
  }

  resourceOfRecord(key: Buffer): string {
    assert(key.subarray(0, this.#records.length).equals(this.#records), 'not a record key');
    return Buffer.from(key.subarray(this.#records.length)).swap16().toString('utf16le');
  }

  /** The first record key after `resource` (appending a zero byte makes the smallest successor). */
  recordAfter(resource: string | undefined): Buffer {
    if (resource === undefined) return this.#records;
    return Buffer.concat([this.record(resource), Buffer.alloc(1)]);
  }

  /** End (exclusive) of every record key. */
  recordsEnd(): Buffer {
    return successor(this.#records);
  }

  historyPrefix(resource: string): Buffer {
    const units = Buffer.alloc(2);
    units.writeUInt16BE(resource.length);
    return Buffer.concat([this.#history, units, utf16be(resource)]);
  }

  history(resource: string, version: number): Buffer {
    const suffix = Buffer.alloc(8);
    suffix.writeBigUInt64BE(BigInt(version));
    return Buffer.concat([this.historyPrefix(resource), suffix]);
  }

  /** A named setting (names are lower-case ASCII, checked by the caller). */
  setting(name: string): Buffer {
    return Buffer.concat([this.#settings, Buffer.from(name, 'utf8')]);
  }

  historyStart(): Buffer {
    return this.#history;
  }

  historyEnd(): Buffer {
    return successor(this.#history);
  }
}

function utf16be(text: string): Buffer {
  assert(text.length < 0x10000, 'resource names are at most 65,535 UTF-16 units');
  return Buffer.from(text, 'utf16le').swap16();
}

/** The smallest key greater than every key that starts with `prefix` (prefix ends in '/'). */
function successor(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  const last = end.length - 1;
  assert(end[last]! < 0xff, 'prefix must not end in 0xff');
  end[last] = end[last]! + 1;
  return end;
}
