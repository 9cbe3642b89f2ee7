/**
 * A streaming CSV tokenizer (RFC 4180): fields separated by one delimiter character, lines ended by
 * LF, CRLF or CR, fields optionally in double quotes (a quote inside written twice, delimiters and line
 * breaks allowed inside). Text arrives in chunks of any size; each complete row is handed over with the
 * line and column (1-based, UTF-16 code units) where each field starts. Blank lines are skipped; a
 * UTF-8 byte-order mark at the start is dropped.
 */
import { formatCount } from './dataError';
import { MAX_CSV_FIELD_CHARS, MAX_CSV_FIELDS } from './dataLimits';

/** A syntax error at a line and column. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** One row: the fields (quotes removed) and where each starts. Valid only during the callback. */
export interface CsvRow {
  fields: string[];
  lines: number[];
  columns: number[];
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: the closing one, or the first of a doubled quote. */
  QuoteInQuoted,
  /** After a closing quote: only spaces until the delimiter or the end of the line. */
  AfterQuoted,
}

/** Tokenizes text pushed chunk by chunk, calling `onRow` for each complete row; throws CsvSyntaxError. */
export class CsvTokenizer {
  private state = State.FieldStart;
  private line = 1;
  private column = 1;
  private afterCR = false;
  private first = true;
  /** The current field so far (for a field that spans chunks, or a quoted one). */
  private field = '';
  private fieldLine = 1;
  private fieldColumn = 1;
  private readonly row: CsvRow = { fields: [], lines: [], columns: [] };
  private readonly delimiter: number;

  constructor(
    delimiter: string,
    private readonly onRow: (row: CsvRow) => void,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Tokenizes the next chunk of text. */
  push(chunk: string): void {
    let i = 0;
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk.charCodeAt(0) === BOM) i = 1;
    }
    const n = chunk.length;
    const delimiter = this.delimiter;
    while (i < n) {
      switch (this.state) {
        case State.FieldStart: {
          const c = chunk.charCodeAt(i);
          if (c === LF && this.afterCR) {
            // The LF of a CRLF: the CR already ended the line.
            this.afterCR = false;
            i++;
            break;
          }
          if ((c === LF || c === CR) && this.row.fields.length === 0) {
            // Blank lines, skipped in one loop: through the states below a file of them took 0.2 s a MiB.
            let afterCR = false;
            for (; i < n; i++) {
              const d = chunk.charCodeAt(i);
              if (d === CR) this.line++;
              else if (d !== LF) break;
              else if (!afterCR) this.line++;
              afterCR = d === CR;
            }
            this.afterCR = afterCR;
            this.column = 1;
            break;
          }
          this.afterCR = false;
          this.fieldLine = this.line;
          this.fieldColumn = this.column;
          this.field = '';
          if (c === QUOTE) {
            this.state = State.Quoted;
            this.advance(1);
            i++;
          } else this.state = State.Unquoted;
          break;
        }
        case State.Unquoted: {
          // Scan to the next delimiter, line break or quote.
          const start = i;
          let c = 0;
          while (i < n) {
            c = chunk.charCodeAt(i);
            if (c === delimiter || c === LF || c === CR || c === QUOTE) break;
            i++;
          }
          this.append(chunk, start, i);
          this.column += i - start;
          if (i === n) break;
          if (c === QUOTE) {
            if (this.field.trim() !== '') throw new CsvSyntaxError('a quote inside a field that does not start with one: quote the whole field ("…") and write inner quotes twice', this.line, this.column);
            // Spaces before an opening quote: the field is the quoted text.
            this.fieldColumn = this.column;
            this.field = '';
            this.state = State.Quoted;
            this.advance(1);
            i++;
            break;
          }
          this.endField();
          if (c === delimiter) {
            this.advance(1);
            this.state = State.FieldStart;
          } else this.endLine(c);
          i++;
          break;
        }
        case State.Quoted: {
          const start = i;
          let c = 0;
          while (i < n) {
            c = chunk.charCodeAt(i);
            if (c === QUOTE || c === LF || c === CR) break;
            i++;
          }
          this.append(chunk, start, i);
          this.column += i - start;
          if (i > start) this.afterCR = false;
          if (i === n) break;
          if (c === QUOTE) {
            this.advance(1);
            this.state = State.QuoteInQuoted;
          } else {
            // A line break inside quotes belongs to the field; count the line (once for a CRLF).
            this.append(chunk, i, i + 1);
            if (!(c === LF && this.afterCR)) this.line++;
            this.column = 1;
            this.afterCR = c === CR;
          }
          i++;
          break;
        }
        case State.QuoteInQuoted: {
          const c = chunk.charCodeAt(i);
          if (c === QUOTE) {
            this.field += '"';
            this.checkLength();
            this.advance(1);
            this.state = State.Quoted;
            i++;
          } else this.state = State.AfterQuoted;
          break;
        }
        case State.AfterQuoted: {
          const c = chunk.charCodeAt(i);
          if (c === delimiter) {
            this.endField();
            this.advance(1);
            this.state = State.FieldStart;
          } else if (c === LF || c === CR) {
            this.endField();
            this.endLine(c);
          } else if (c === 0x20 || c === 0x09) {
            this.advance(1);
          } else {
            throw new CsvSyntaxError(`expected the delimiter or the end of the line after the closing quote, found '${chunk[i]}'`, this.line, this.column);
          }
          i++;
          break;
        }
      }
    }
  }

  /** Ends the text: finishes the last row, or throws if a quoted field is still open. */
  end(): void {
    if (this.state === State.Quoted) throw new CsvSyntaxError('the quoted field that starts here is never closed (a missing closing quote)', this.fieldLine, this.fieldColumn);
    if (this.state === State.Unquoted || this.state === State.QuoteInQuoted || this.state === State.AfterQuoted) {
      this.endField();
      this.finishRow();
    } else if (this.state === State.FieldStart && this.row.fields.length > 0) {
      // The text ends right after a delimiter: the last field is empty.
      this.fieldLine = this.line;
      this.fieldColumn = this.column;
      this.field = '';
      this.endField();
      this.finishRow();
    }
    this.state = State.FieldStart;
  }

  private advance(chars: number): void {
    this.column += chars;
    this.afterCR = false;
  }

  private append(chunk: string, start: number, end: number): void {
    if (end > start) {
      this.field += chunk.slice(start, end);
      this.checkLength();
    }
  }

  private checkLength(): void {
    if (this.field.length > MAX_CSV_FIELD_CHARS) {
      throw new CsvSyntaxError(`a field longer than ${formatCount(MAX_CSV_FIELD_CHARS)} characters starts here: no number or class name is this long (an unclosed quote?)`, this.fieldLine, this.fieldColumn);
    }
  }

  private endField(): void {
    const row = this.row;
    if (row.fields.length >= MAX_CSV_FIELDS) throw new CsvSyntaxError(`more than ${formatCount(MAX_CSV_FIELDS)} fields on one line`, this.fieldLine, this.fieldColumn);
    row.fields.push(this.field);
    row.lines.push(this.fieldLine);
    row.columns.push(this.fieldColumn);
    this.field = '';
  }

  /** A line break `c` (LF or CR) ends the row; an LF right after a CR is skipped at the next field start. */
  private endLine(c: number): void {
    this.finishRow();
    this.line++;
    this.column = 1;
    this.afterCR = c === CR;
    this.state = State.FieldStart;
  }

  private finishRow(): void {
    const row = this.row;
    const blank = row.fields.length === 1 && row.fields[0].trim() === '';
    if (!blank && row.fields.length > 0) this.onRow(row);
    row.fields.length = 0;
    row.lines.length = 0;
    row.columns.length = 0;
  }
}
