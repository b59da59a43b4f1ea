// Where attachment bytes live: content-addressed by sha256, behind an interface so another store (object storage)
// can take the files' place. The file store keeps `<dir>/<first 2 hex>/<sha256>`, written once: a file already there
// is never overwritten (same name means same bytes), and a half-written file is never visible (temp file + link).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AttachmentStore {
  /** Stores the bytes (if not stored yet) and returns their sha256 (hex). */
  put(bytes: Buffer): Promise<{ sha256: string; size: number; stored: boolean }>;
  /** The bytes with this sha256, or undefined. */
  get(sha256: string): Promise<Buffer | undefined>;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export class FileAttachmentStore implements AttachmentStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  async put(bytes: Buffer): Promise<{ sha256: string; size: number; stored: boolean }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = this.pathOf(sha256);
    if (existsSync(path)) return { sha256, size: bytes.length, stored: false };
    mkdirSync(join(this.dir, sha256.slice(0, 2)), { recursive: true });
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, bytes, { mode: 0o640 });
    try {
      // link() fails when the name exists: a concurrent writer of the same bytes wins, nothing is overwritten.
      linkSync(tmp, path);
      return { sha256, size: bytes.length, stored: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { sha256, size: bytes.length, stored: false };
      throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  async get(sha256: string): Promise<Buffer | undefined> {
    if (!SHA256_HEX.test(sha256)) return undefined;
    const path = this.pathOf(sha256);
    return existsSync(path) ? readFileSync(path) : undefined;
  }
}
