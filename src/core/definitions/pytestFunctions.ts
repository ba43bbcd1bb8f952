// Where a pytest test is defined: the `def test…` functions of a Python file, with the
// classes they sit in. A JUnit case names its test as `classname::name`, where
// classname is the module's dotted path (from wherever pytest's root was) followed by
// the classes; the file's path supplies the module, matched from its end.

export interface PytestSite {
  /** 0-based line of the `def`. */
  line: number;
  name: string;
  /** Enclosing classes, outermost first. */
  classes: string[];
}

export function locatePytestFunctions(text: string): PytestSite[] {
  const sites: PytestSite[] = [];
  const stack: { indent: number; name: string }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.trimStart().startsWith('#')) return;
    const indent = line.length - line.trimStart().length;
    while (stack.length && stack.at(-1)!.indent >= indent) stack.pop();
    const cls = /^\s*class\s+([A-Za-z_]\w*)/.exec(line);
    if (cls) {
      stack.push({ indent, name: cls[1]! });
      return;
    }
    const fn = /^\s*(?:async\s+)?def\s+(test\w*)\s*\(/.exec(line);
    if (fn && stack.every((s) => s.name.startsWith('Test'))) sites.push({ line: i, name: fn[1]!, classes: stack.map((s) => s.name) });
    // a def opens a scope too: a nested function is not a test
    else if (/^\s*(?:async\s+)?def\s/.test(line)) stack.push({ indent, name: '<function>' });
  });
  return sites;
}

/** The module path parts of a Python file (`tests/unit/test_x.py` → tests, unit, test_x). */
export function modulePartsOf(relativePath: string): string[] {
  return relativePath.replace(/\\/g, '/').replace(/\.py$/, '').split('/').filter(Boolean);
}

/**
 * Whether a JUnit test id (`classname::name`, or `name` alone) is this function: the
 * name without its parameters (`[…]`) is the function's, and the classname is a tail
 * of the module path followed by the function's classes.
 */
export function pytestIdMatches(testId: string, site: PytestSite, moduleParts: string[]): boolean {
  const sep = testId.lastIndexOf('::');
  const classname = sep >= 0 ? testId.slice(0, sep) : '';
  const name = (sep >= 0 ? testId.slice(sep + 2) : testId).replace(/\[.*$/s, '');
  if (name !== site.name) return false;
  const parts = classname.split('.').filter(Boolean);
  if (parts.length < site.classes.length + 1) return false;
  const classes = parts.slice(parts.length - site.classes.length);
  if (classes.join('.') !== site.classes.join('.')) return false;
  const module = parts.slice(0, parts.length - site.classes.length);
  return module.length <= moduleParts.length && module.every((p, k) => p === moduleParts[moduleParts.length - module.length + k]);
}
