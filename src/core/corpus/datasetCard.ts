// A version's README.md: a Hugging Face dataset card (YAML front matter) saying what
// the version holds, where it came from, and how a training job reads it. Its
// `configs[].data_files` name the version's own `data/` files (see versionDataFiles.ts):
// Hugging Face resolves them against the card's folder.
import type { VersionManifest } from './corpusLayout';
import { versionDataPath } from './versionDataFiles';

export function datasetCard(m: VersionManifest): string {
  const configs = Object.entries(m.files)
    .filter(([, f]) => f.records > 0)
    .map(([format, f]) => `- config_name: ${format}\n  data_files:\n${f.segments.map((s) => `  - ${versionDataPath(format, s.sha256)}`).join('\n')}`)
    .join('\n');
  const counts = Object.entries(m.files)
    .map(([format, f]) => `| ${format} | ${f.records} | \`${f.sha256.slice(0, 16)}…\` |`)
    .join('\n');
  return `---
configs:${configs ? `\n${configs}` : ' []'}
tags:
- evalloop
- eval-failures
---

# Corpus ${m.version}

Training data built from reviewed eval failures by ${m.tool.name} ${m.tool.version} on ${m.createdAt}.
Parent version: ${m.parent ?? 'none'}. Policy: ${m.policy.name ?? '(ad hoc)'}, filter \`${m.policy.filter}\`, secrets ${m.policy.secrets}.

| format | records | sha256 |
|---|---|---|
${counts}

${m.added} records added and ${m.removed} removed since the parent. ${m.sources.items} items and ${m.sources.reviewEvents} review events went in (listed in \`${m.sources.segments.map((x) => x.path).join('`, `') || 'no segment'}\`).
${m.leakage.excluded.length} cases were held out because they are pinned in eval slices (${m.leakage.slices.join(', ') || 'none pinned'}).
${m.redactions.length ? `${m.redactions.length} items had secrets or personal data redacted.` : ''}

## Reading it

Each format is the concatenation, in order, of the segment files listed in
\`manifest.json\` under \`files.<format>.segments\` (paths relative to the corpus folder);
this folder holds the same files as \`data/<format>/<sha256>.jsonl\`. With the Hugging Face
\`datasets\` library, \`load_dataset("<this folder>", "sft")\` reads a format (the configs
above); \`evalloop export ${m.version} --format sft -o train.jsonl\` writes one file.
Versions never change once written; \`evalloop verify\` re-checks every hash.
`;
}
