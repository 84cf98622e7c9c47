/**
 * Splits text holding one or more JSON documents back to back (appending `stripe … list` outputs
 * to one file gives `{…}\n{…}`). Only strings and nesting are tracked; each piece is then parsed
 * by JSON.parse, which reports any real syntax error.
 */
export function splitJsonDocuments(text: string): string[] {
  const documents: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === ' ' || char === '\n' || char === '\r' || char === '\t') continue;
    if (start === -1) start = i;
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    if (depth === 0 && (char === '}' || char === ']' || depth < 0)) {
      documents.push(text.slice(start, i + 1));
      start = -1;
      depth = 0;
    }
  }
  // Anything left (an unterminated document or a bare scalar) goes to JSON.parse to be reported.
  if (start !== -1) documents.push(text.slice(start));
  return documents;
}
