// Lazy, bounded reading of zip archives: the central directory first, then only
// the entries asked for, each capped in size (a bomb stops at the cap).
import yauzl from 'yauzl';

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

  static open(path: string): Promise<ZipArchive> {
    return new Promise((resolve, reject) => {
      yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true }, (err, zip) => {
        if (err || !zip) return reject(err ?? new Error('cannot open zip'));
        const entries = new Map<string, yauzl.Entry>();
        zip.on('entry', (entry: yauzl.Entry) => {
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
