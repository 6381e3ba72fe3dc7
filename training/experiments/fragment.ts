/** Tweet-length pieces of longer texts, to score "unknown" on short texts as well as on sentences. */

/** The text cut at a space before `max` code points (unspaced scripts: at `max` code points). */
export function fragment(text: string, max = 60): string {
  const cps = [...text];
  if (cps.length <= max) return text;
  const head = cps.slice(0, max).join('');
  const cut = head.lastIndexOf(' ');
  return cut >= 20 ? head.slice(0, cut) : head;
}
