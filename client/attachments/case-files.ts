// The attachments of the cases, as the API opens them: the content-addressed file store and the per-case register
// under `<dataDir>/attachments`, and the check a decision's references pass: each names a file uploaded to that case.
import { join, resolve } from 'node:path';
import type { AttachmentRef } from '../../machines/fields';
import { AttachmentRegister } from './register';
import { FileAttachmentStore, type AttachmentStore } from './store';

/** `<dataDir>/attachments` (dataDir: given, else HANDOVER_DATA_DIR, else the project's data/). */
export function attachmentsDir(dataDir?: string): string {
  return join(resolve(dataDir ?? process.env.HANDOVER_DATA_DIR ?? join(__dirname, '..', '..', 'data')), 'attachments');
}

/** The store and register of one data folder, opened on first use. */
export class CaseFiles {
  private s?: AttachmentStore;
  private r?: AttachmentRegister;

  constructor(readonly dir: string) {}

  get store(): AttachmentStore {
    return (this.s ??= new FileAttachmentStore(join(this.dir, 'files')));
  }

  get register(): AttachmentRegister {
    return (this.r ??= new AttachmentRegister(join(this.dir, 'register.sqlite')));
  }

  close(): void {
    this.r?.close();
    this.r = undefined;
  }
}

/**
 * The problems of a decision's attachment references on this case: a file not uploaded to it, or stated with
 * another type or size than it was stored with. Paths as the gate names them (`data.attachments.0.sha256`).
 */
export function attachmentRefProblems(register: AttachmentRegister, caseId: string, refs: readonly AttachmentRef[]): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  refs.forEach((ref, i) => {
    const entry = register.get(caseId, ref.sha256);
    const at = `data.attachments.${i}`;
    if (!entry) {
      issues.push({ path: `${at}.sha256`, message: `本案没有上传过这个文件（${ref.sha256.slice(0, 12)}…），请先上传再引用 (no such file was uploaded to this case: upload it first)` });
      return;
    }
    if (entry.type !== ref.type) issues.push({ path: `${at}.type`, message: `与上传的文件类型 ${entry.type} 不符 (the uploaded file is ${entry.type})` });
    if (entry.size !== ref.size) issues.push({ path: `${at}.size`, message: `与上传的文件大小 ${entry.size} 字节不符 (the uploaded file has ${entry.size} bytes)` });
  });
  return issues;
}
