// Lazy, bounded reading of zip archives: the central directory first, then only
// the entries asked for, each capped in size (a bomb stops at the cap). The directory
// itself is bounded too: at most MAX_ZIP_ENTRIES entries, no two with one name (which
// one a reader takes would be a guess), and none encrypted.
import yauzl from 'yauzl';

/** Entries an archive may list; an Inspect log holds one per sample and epoch plus a few. */
export const MAX_ZIP_ENTRIES = 100_000;

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: Map<string, yauzl.Entry>,
  ) {}

  static open(path: string, maxEntries = MAX_ZIP_ENTRIES): Promise<ZipArchive> {
    return new Promise((resolve, reject) => {
      yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true }, (err, zip) => {
        if (err || !zip) return reject(err ?? new Error('cannot open zip'));
        const refuse = (reason: string) => {
          zip.close();
          reject(new Error(reason));
        };
        // the count the directory declares, checked before any entry is read
        if (zip.entryCount > maxEntries) return refuse(`the archive lists ${zip.entryCount.toLocaleString('en')} entries, over the limit of ${maxEntries.toLocaleString('en')}`);
        const entries = new Map<string, yauzl.Entry>();
        zip.on('entry', (entry: yauzl.Entry) => {
          if (entry.isEncrypted()) return refuse(`the archive is encrypted (password-protected), so its entries cannot be read; entry ${entry.fileName} is encrypted`);
          if (entries.has(entry.fileName)) return refuse(`the archive holds two entries named ${entry.fileName}; which one is meant cannot be told`);
          entries.set(entry.fileName, entry);
          zip.readEntry();
        });
        zip.on('end', () => resolve(new ZipArchive(zip, entries)));
        zip.on('error', reject);
        zip.readEntry();
      });
    });
  }

  list(): ZipEntryInfo[] {
    return [...this.entries.values()].map((e) => ({ name: e.fileName, compressedSize: e.compressedSize, uncompressedSize: e.uncompressedSize }));
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry's text; rejects when it is missing or larger than maxBytes once inflated. */
  readText(name: string, maxBytes: number): Promise<string> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new Error(`no entry ${name}`));
    if (entry.uncompressedSize > maxBytes) {
      return Promise.reject(new Error(`entry ${name} is ${formatMb(entry.uncompressedSize)}, over the ${formatMb(maxBytes)} limit`));
    }
    return new Promise((resolve, reject) => {
      this.zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error(`cannot read ${name}`));
        const chunks: Buffer[] = [];
        let total = 0;
        stream.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) {
            stream.destroy(new Error(`entry ${name} inflates past the ${formatMb(maxBytes)} limit`));
            return;
          }
          chunks.push(chunk);
        });
        stream.on('error', reject);
        stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
    });
  }

  close(): void {
    this.zip.close();
  }
}

export function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
