import { readFileSync } from 'node:fs';
import { BOOT_ID_LENGTH_MAX } from './limits.js';

/** Linux gives each boot of the kernel a fresh random UUID here. */
const BOOT_ID_PATH = '/proc/sys/kernel/random/boot_id';

/**
 * The id of the running operating-system boot, or null where the platform has none. Commits that
 * were not synced can be lost only when the operating system stops (power loss, kernel panic,
 * reboot), never when a process dies: the page cache keeps them. So "written without sync in a
 * boot that is not the current one" is exactly "may have been lost" (recovery.ts).
 */
export function currentBootId(): string | null {
  try {
    const id = readFileSync(BOOT_ID_PATH, 'utf8').trim();
    return id.length > 0 && id.length <= BOOT_ID_LENGTH_MAX ? id : null;
  } catch {
    return null;
  }
}
