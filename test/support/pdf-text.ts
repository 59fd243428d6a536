/**
 * Reads the text back out of an uncompressed PDF written by pdfkit (`compress: false`), one line per text
 * operator. Only for tests: it understands pdfkit's own output (hex TJ strings, Type0 fonts with a
 * ToUnicode CMap of bfrange arrays, standard fonts in WinAnsi), not PDF in general.
 */
export function extractPdfText(pdf: Buffer): string[] {
  const source = pdf.toString('latin1');
  const objects = new Map<string, string>();
  for (const m of source.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) objects.set(m[1] as string, m[2] as string);

  // Resource name (/F1) → decoder for that font's string codes.
  const decoders = new Map<string, (hex: string) => string>();
  for (const resources of source.matchAll(/\/Font\s*<<([^>]*)>>/g)) {
    for (const ref of (resources[1] as string).matchAll(/\/(\w+)\s+(\d+) 0 R/g)) {
      const font = objects.get(ref[2] as string) ?? '';
      const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(font);
      decoders.set(ref[1] as string, toUnicode ? cmapDecoder(objects.get(toUnicode[1] as string) ?? '') : latin1Decoder);
    }
  }

  const lines: string[] = [];
  for (const stream of source.matchAll(/stream\r?\n([\s\S]*?)endstream/g)) {
    let decode = latin1Decoder;
    // Operators in order: a font switch (/F1 10 Tf) or a text show ([<..> 20 <..>] TJ).
    for (const op of (stream[1] as string).matchAll(/\/(\w+)\s+[\d.]+\s+Tf|\[([^\]]*)\]\s*TJ/g)) {
      if (op[1]) {
        decode = decoders.get(op[1]) ?? latin1Decoder;
        continue;
      }
      const hex = [...(op[2] as string).matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('');
      lines.push(decode(hex));
    }
  }
  return lines;
}

function latin1Decoder(hex: string): string {
  return Buffer.from(hex, 'hex').toString('latin1');
}

// pdfkit writes `<first> <last> [<u1> <u2> …]`: glyph ids first..last map to those code points in order.
function cmapDecoder(cmap: string): (hex: string) => string {
  const map = new Map<number, string>();
  for (const range of cmap.matchAll(/<([0-9a-fA-F]+)>\s*<[0-9a-fA-F]+>\s*\[([^\]]*)\]/g)) {
    let glyph = parseInt(range[1] as string, 16);
    for (const target of (range[2] as string).matchAll(/<([0-9a-fA-F]+)>/g)) {
      map.set(glyph++, String.fromCodePoint(...(target[1]?.match(/.{4}/g) ?? []).map((u) => parseInt(u, 16))));
    }
  }
  return (hex) => (hex.match(/.{4}/g) ?? []).map((g) => map.get(parseInt(g, 16)) ?? '\uFFFD').join('');
}
