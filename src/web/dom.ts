/** An element with its properties and children: the page's only DOM helper. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Readonly<Record<string, string | number | boolean>> = {},
  ...kids: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...kids);
  return e;
}

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element with its attributes and children. */
export function svg(
  tag: string,
  attrs: Readonly<Record<string, string | number>> = {},
  ...kids: (Node | string)[]
): SVGElement {
  const e = document.createElementNS(SVG, tag) as SVGElement;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...kids);
  return e;
}
