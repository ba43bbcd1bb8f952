// Where a training job finds a version on the remote: the object URLs of one format's
// segments, in manifest order (their concatenation is the format's data). URLs are
// `s3://bucket/prefix/corpus/segments/…`; with a custom endpoint, fsspec/s3fs is told
// it through `storage_options` (see README, "Sharing through a bucket").
import { CorpusLayout } from '../corpus/corpusLayout';
import type { RemoteConfig } from './remoteConfig';

export function segmentUrls(corpusDir: string, version: string, format: string, remote: RemoteConfig): string[] {
  const manifest = new CorpusLayout(corpusDir).manifest(version);
  const file = manifest.files[format];
  if (!file) throw new Error(`${version} has no ${format} records (formats: ${Object.keys(manifest.files).join(', ')})`);
  const base = `s3://${remote.bucket}/${remote.prefix ? `${remote.prefix}/` : ''}corpus/`;
  return file.segments.map((s) => base + s.path);
}
