// A confusion matrix drawn as a picture: an SVG built with DOM calls, one square per
// (row verdict, column verdict) shaded by its count, the counts and the verdict names as
// text nodes. Nothing is parsed from a string, so no name can become markup.
const SVG = 'http://www.w3.org/2000/svg';
const CELL = 44;
const LABEL = 96;

function node<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** `matrix[row][column]`: rows are `rowsBy`'s verdicts, columns `columnsBy`'s. */
export function confusionSvg(matrix: number[][], categories: string[], rowsBy: string, columnsBy: string): SVGSVGElement {
  const size = categories.length;
  const width = LABEL + size * CELL + 8;
  const height = LABEL + size * CELL + 8;
  const svg = node('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'confusion' });
  const most = Math.max(1, ...matrix.flat());
  svg.append(node('title', {}, `Confusion matrix: rows ${rowsBy}, columns ${columnsBy}`));
  // who is on which side
  svg.append(node('text', { x: LABEL + (size * CELL) / 2, y: 12, class: 'axis', 'text-anchor': 'middle' }, columnsBy));
  svg.append(node('text', { x: 12, y: LABEL + (size * CELL) / 2, class: 'axis', 'text-anchor': 'middle', transform: `rotate(-90 12 ${LABEL + (size * CELL) / 2})` }, rowsBy));
  categories.forEach((category, i) => {
    const column = LABEL + i * CELL + CELL / 2;
    svg.append(node('text', { x: column, y: LABEL - 6, class: 'label', 'text-anchor': 'start', transform: `rotate(-45 ${column} ${LABEL - 6})` }, category));
    svg.append(node('text', { x: LABEL - 6, y: LABEL + i * CELL + CELL / 2 + 4, class: 'label', 'text-anchor': 'end' }, category));
  });
  matrix.forEach((row, r) =>
    row.forEach((count, c) => {
      const x = LABEL + c * CELL;
      const y = LABEL + r * CELL;
      // shaded by count; an empty cell keeps only its outline
      const cell = node('rect', { x, y, width: CELL - 2, height: CELL - 2, class: r === c ? 'cell same' : 'cell', 'fill-opacity': count ? (0.15 + 0.85 * (count / most)).toFixed(3) : 0 });
      cell.append(node('title', {}, `${rowsBy}: ${categories[r]}, ${columnsBy}: ${categories[c]} — ${count} item${count === 1 ? '' : 's'}`));
      svg.append(cell);
      svg.append(node('text', { x: x + (CELL - 2) / 2, y: y + (CELL - 2) / 2 + 4, class: count / most > 0.55 ? 'count strong' : 'count', 'text-anchor': 'middle' }, String(count)));
    }),
  );
  return svg;
}
