import { GatewayError } from '../../errors';

/**
 * Stripe's search query language (docs/stripe-billing-contract.md §2 "Search"; https://stripe.com/docs/search):
 * clauses `field:'value'` (exact), `field~'value'` (substring, 3+ characters), `field>n` / `<` /
 * `>=` / `<=` (numbers), `metadata['key']:'value'`, `field:null`, `-` before a clause to negate it,
 * joined by `AND` or by `OR` (not both; either case), or by a space, which is AND. Parsed by hand, one character at a time: the query is a
 * client's string, so it never becomes a regular expression and its cost is linear in its length,
 * which is bounded.
 */
export const SEARCH_LIMITS = { maxQueryLength: 1000, maxClauses: 10, minSubstring: 3 } as const;

export type SearchOperator = ':' | '~' | '>' | '<' | '>=' | '<=';

export interface SearchClause {
  field: string;
  /** For `metadata['key']`. */
  metadataKey?: string;
  operator: SearchOperator;
  /** A quoted string, a number, or null (`field:null`). */
  value: string | number | null;
  negated: boolean;
}

export interface SearchQuery {
  joiner: 'AND' | 'OR';
  clauses: SearchClause[];
}

/** Which fields a resource can be searched by, and whether each holds text or numbers. */
export type SearchFields = Record<string, 'text' | 'number' | 'boolean' | 'metadata'>;

export function parseSearchQuery(query: string, fields: SearchFields): SearchQuery {
  if (query.length > SEARCH_LIMITS.maxQueryLength) invalid(`the query is longer than ${SEARCH_LIMITS.maxQueryLength} characters`);
  const reader = new Reader(query);
  const clauses: SearchClause[] = [];
  let joiner: SearchQuery['joiner'] | undefined;
  reader.skipSpaces();
  if (reader.done()) invalid('the query is empty');
  for (;;) {
    if (clauses.length === SEARCH_LIMITS.maxClauses) invalid(`a query has at most ${SEARCH_LIMITS.maxClauses} clauses`);
    clauses.push(readClause(reader, fields));
    reader.skipSpaces();
    if (reader.done()) break;
    // Clauses are joined by AND or OR (any case), or by a space alone, which means AND.
    const mark = reader.position;
    const word = reader.word().toUpperCase();
    const next = word === 'AND' || word === 'OR' ? word : 'AND';
    if (word !== next) reader.position = mark;
    if (joiner && joiner !== next) invalid('a query cannot mix AND and OR');
    joiner = next;
    reader.skipSpaces();
  }
  return { joiner: joiner ?? 'AND', clauses };
}

function readClause(reader: Reader, fields: SearchFields): SearchClause {
  const negated = reader.take('-');
  const field = reader.word();
  const kind = fields[field];
  if (!field || !kind) invalid(`\`${field || reader.rest(20)}\` is not a field this resource can be searched by (${Object.keys(fields).join(', ')})`);
  let metadataKey: string | undefined;
  if (kind === 'metadata') {
    if (!reader.take('[')) invalid("metadata is searched as metadata['key']");
    metadataKey = reader.quoted();
    if (!reader.take(']')) invalid("metadata is searched as metadata['key']");
  }
  const operator = reader.operator();
  if (!operator) invalid(`expected an operator (:, ~, >, <, >=, <=) after ${field}`);
  reader.skipSpaces();
  const value = readValue(reader);
  checkClause(field, kind, operator, value);
  return { field, ...(metadataKey !== undefined ? { metadataKey } : {}), operator, value, negated };
}

function readValue(reader: Reader): string | number | null {
  if (reader.peek() === "'" || reader.peek() === '"') return reader.quoted();
  const word = reader.word(true);
  if (word === 'null') return null;
  if (/^-?\d{1,16}$/.test(word)) return Number(word);
  invalid(`values are quoted strings, whole numbers or null (at position ${reader.position})`);
}

function checkClause(field: string, kind: SearchFields[string], operator: SearchOperator, value: string | number | null): void {
  const ordering = operator !== ':' && operator !== '~';
  if (ordering && (kind !== 'number' || typeof value !== 'number')) invalid(`${operator} compares numbers only (${field})`);
  if (kind === 'number' && value !== null && typeof value !== 'number') invalid(`${field} takes a number`);
  if (operator === '~') {
    if (kind === 'number' || kind === 'boolean' || typeof value !== 'string') invalid(`~ searches text only (${field})`);
    if (value.length < SEARCH_LIMITS.minSubstring) invalid(`~ needs at least ${SEARCH_LIMITS.minSubstring} characters`);
  }
  if (kind === 'boolean' && value !== 'true' && value !== 'false' && value !== null) invalid(`${field} takes 'true' or 'false'`);
}

function invalid(reason: string): never {
  throw new GatewayError('parameter_invalid', `Invalid search query: ${reason}. See https://stripe.com/docs/search#search-query-language.`, 'query');
}

function isWordChar(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || (char >= '0' && char <= '9') || char === '_';
}

class Reader {
  position = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string {
    return this.text[this.position] ?? '';
  }

  rest(length: number): string {
    return this.text.slice(this.position, this.position + length);
  }

  take(char: string): boolean {
    if (this.peek() !== char) return false;
    this.position += 1;
    return true;
  }

  skipSpaces(): void {
    while (this.peek() === ' ') this.position += 1;
  }

  /** Letters, digits and `_` (field names, AND/OR, null); a leading `-` only where a number may start. */
  word(signed = false): string {
    const start = this.position;
    if (signed) this.take('-');
    while (isWordChar(this.peek())) this.position += 1;
    return this.text.slice(start, this.position);
  }

  operator(): SearchOperator | undefined {
    for (const candidate of ['>=', '<=', ':', '~', '>', '<'] as const) {
      if (this.text.startsWith(candidate, this.position)) {
        this.position += candidate.length;
        return candidate;
      }
    }
    return undefined;
  }

  /** 'text' or "text"; a backslash escapes the next character (`\'`). */
  quoted(): string {
    const quote = this.peek();
    if (quote !== "'" && quote !== '"') invalid(`expected a quoted string at position ${this.position}`);
    this.position += 1;
    let value = '';
    while (!this.done()) {
      const char = this.peek();
      this.position += 1;
      if (char === quote) return value;
      if (char === '\\' && !this.done()) {
        value += this.peek();
        this.position += 1;
      } else {
        value += char;
      }
    }
    invalid('a quoted string is not closed');
  }
}

/** A searchable value of a record: text, a number, a boolean, or absent (null). */
export type SearchValue = string | number | boolean | null | undefined;

/**
 * Whether a record matches a parsed query. `valueOf` reads a field (or a metadata key) of the
 * record. Text compares case-insensitively, as Stripe's search does; `~` is a substring match.
 */
export function matchesSearch(query: SearchQuery, valueOf: (field: string, metadataKey?: string) => SearchValue): boolean {
  const results = query.clauses.map((clause) => clauseMatches(clause, valueOf(clause.field, clause.metadataKey)) !== clause.negated);
  return query.joiner === 'AND' ? results.every(Boolean) : results.some(Boolean);
}

function clauseMatches(clause: SearchClause, actual: SearchValue): boolean {
  const { operator, value } = clause;
  if (value === null) return operator === ':' && (actual === null || actual === undefined || actual === '');
  if (actual === null || actual === undefined) return false;
  if (typeof value === 'number') {
    const number = typeof actual === 'number' ? actual : Number.NaN;
    if (operator === ':') return number === value;
    if (operator === '>') return number > value;
    if (operator === '<') return number < value;
    if (operator === '>=') return number >= value;
    if (operator === '<=') return number <= value;
    return false;
  }
  const text = String(actual).toLowerCase();
  const wanted = value.toLowerCase();
  return operator === '~' ? text.includes(wanted) : text === wanted;
}
