// Sections of a Markdown file that a command writes: the text between
// `<!-- generated:<name>:start -->` and `<!-- generated:<name>:end -->`, kept out of prettier's hands.

const markers = (name: string) => [
    `<!-- generated:${name}:start -->`,
    `<!-- generated:${name}:end -->`,
];

/** The text between a section's markers, or undefined when the markers are missing. */
export function sectionOf(text: string, name: string): string | undefined {
    const [start, end] = markers(name);
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    return from < 0 || to < from ? undefined : text.slice(from + start.length, to);
}

/** A section's body as written between its markers, out of prettier's hands. */
export function sectionBody(content: string): string {
    return `\n<!-- prettier-ignore-start -->\n${content}\n<!-- prettier-ignore-end -->\n`;
}

/** The text with a section's body replaced. */
export function withSection(text: string, name: string, content: string): string {
    const [start, end] = markers(name);
    const from = text.indexOf(start) + start.length;
    return text.slice(0, from) + sectionBody(content) + text.slice(text.indexOf(end));
}
