// Stands in for codemirror-json-schema's markdown renderer, which brings in shiki and markdown-it
// (most of a megabyte) to highlight code in descriptions: the configuration's schemas describe
// their fields in plain sentences, shown here as text. Its callers put the answer in as HTML.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function renderMarkdown(markdown: string, inline = true): string {
  const text = markdown.replace(/[&<>"']/g, (char) => ESCAPES[char]!).replace(/`([^`]+)`/g, '<code>$1</code>');
  return inline ? text : `<p>${text}</p>`;
}
