// Names people choose for things kept as folders (workspaces under .evalloop/, slices
// under corpus/slices/) or named like them (remotes): which names are allowed, and which would clash with a folder
// already there on a file system that ignores case (macOS, Windows), where `Math` and
// `math` are one folder and two slices or queues would silently mix.
import { existsSync, readdirSync } from 'node:fs';

/** A chosen name, as a pattern to match within a longer one (an object key); isFolderName also refuses `..`. */
export const FOLDER_NAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9._-]{0,63}';
const FOLDER_NAME = new RegExp(`^${FOLDER_NAME_PATTERN}$`);

/** The names allowed, as told to someone who gave another. */
export const FOLDER_NAME_RULE = "use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit";

export function isFolderName(name: string): boolean {
  return FOLDER_NAME.test(name) && !name.includes('..');
}

/** The name itself, or an error naming the kind of thing and what names are allowed. */
export function validateFolderName(kind: string, name: string): string {
  if (!isFolderName(name)) throw new Error(`${kind} name "${name}" is not allowed: ${FOLDER_NAME_RULE}`);
  return name;
}

/**
 * Refuses `name` when `parentDir` holds a folder whose name differs from it only in
 * case. The listing is compared, not existsSync, which a case-insensitive file system
 * answers yes for the twin too. A folder of exactly this name is fine.
 */
export function refuseCaseTwin(kind: string, parentDir: string, name: string): void {
  if (!existsSync(parentDir)) return;
  const entries = readdirSync(parentDir);
  if (entries.includes(name)) return;
  const lower = name.toLowerCase();
  const twin = entries.find((e) => e.toLowerCase() === lower);
  if (twin !== undefined) {
    throw new Error(`${kind} "${name}" differs from the existing ${kind} "${twin}" only in case (in ${parentDir}); on a file system that ignores case they would be one folder. Use "${twin}", or a name that differs in more than case`);
  }
}
