// Where the corpus folder is: the evalloop.corpusDir setting, relative to the workspace root.
import { isAbsolute, resolve } from 'node:path';
import { setting } from '../extensionSettings';

export function corpusDirOf(root: string): string {
  const configured = setting('corpusDir');
  return isAbsolute(configured) ? configured : resolve(root, configured);
}
