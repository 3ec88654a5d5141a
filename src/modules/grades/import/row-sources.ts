import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';

/** One data row of an import file: its line (row) number in the file and its cells as text. */
export interface SourceRow {
  line: number;
  cells: string[];
}

/** CSV rows, streamed: UTF-8 (BOM allowed), comma or semicolon separated, quoted fields. */
export async function* csvRows(source: Readable): AsyncGenerator<SourceRow> {
  const parser = source.pipe(
    parse({ bom: true, delimiter: [',', ';'], relax_column_count: true, skip_empty_lines: true, relax_quotes: true, info: true }),
  );
  source.on('error', (e) => parser.destroy(e));
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield { line: item.info.lines, cells: item.record.map((c) => c.trim()) };
  }
}

/** XLSX rows of the first worksheet, streamed with exceljs' WorkbookReader (the workbook is never loaded whole). */
export async function* xlsxRows(source: Readable): AsyncGenerator<SourceRow> {
  const ExcelJS = require('exceljs') as {
    stream: { xlsx: { WorkbookReader: new (s: Readable, o: object) => AsyncIterable<AsyncIterable<XlsxRow>> } };
  };
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = Array.isArray(row.values) ? row.values.slice(1) : [];
      const cells = values.map(cellText);
      if (cells.every((c) => c === '')) continue;
      yield { line: row.number, cells };
    }
    break; // the first worksheet only
  }
}

interface XlsxRow {
  number: number;
  values: unknown;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { text?: unknown; richText?: Array<{ text: string }>; result?: unknown };
    if (Array.isArray(o.richText))
      return o.richText
        .map((r) => r.text)
        .join('')
        .trim();
    if (o.result !== undefined) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
    return '';
  }
  return String(v).trim();
}
