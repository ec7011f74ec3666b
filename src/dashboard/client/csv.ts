// CSV for batch uploads: a header row naming `phone` and any variables, one recipient per row. Each row is
// checked as the API will check it (E.164, the same pattern as src/lib/phone.ts) before anything is sent.
const E164 = /^\+[1-9]\d{7,14}$/;

export interface ParsedRow {
  line: number;
  phone: string;
  variables: Record<string, string>;
  error?: string;
}

/** RFC 4180 fields: commas, quotes doubled inside quoted fields, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      if (row.some((c) => c.trim() !== '')) rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  row.push(cell);
  if (row.some((c) => c.trim() !== '')) rows.push(row);
  return rows;
}

export function recipientsFromCsv(text: string): { rows: ParsedRow[]; error?: string } {
  const [header, ...body] = parseCsv(text);
  if (!header) return { rows: [], error: 'The file is empty' };
  const cols = header.map((c) => c.trim());
  const phoneAt = cols.findIndex((c) => /^(phone|recipient_phone|number)$/i.test(c));
  if (phoneAt < 0) return { rows: [], error: 'The header row needs a "phone" column' };
  const rows = body.map((cells, i) => {
    const phone = (cells[phoneAt] ?? '').trim();
    const variables: Record<string, string> = {};
    cols.forEach((name, j) => {
      if (j !== phoneAt && name && cells[j] !== undefined && cells[j] !== '') variables[name] = cells[j];
    });
    const row: ParsedRow = { line: i + 2, phone, variables };
    if (!phone) row.error = 'phone is missing';
    else if (!E164.test(phone)) row.error = `phone "${phone}" must be in E.164 format (+ and 8–15 digits)`;
    else if (cells.length > cols.length)
      row.error = `${cells.length} fields but the header has ${cols.length}`;
    return row;
  });
  return { rows };
}
