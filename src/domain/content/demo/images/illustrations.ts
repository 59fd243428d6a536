import { createRng, type Rng } from '../prng.js';
import { CANVAS, escapeXml, hashText, n, SECTION_PALETTES, svgDocument } from './svg.js';

/**
 * Abstract illustrations for the demo's sections: geometric compositions in each section's colours around a
 * simple motif (a hemicycle of seats for politics, a globe's lines for world, circuit tracks for technology…).
 * No text, so they look the same whatever fonts a machine has; deterministic, so every start draws the same.
 */

export interface Illustration {
  key: string;
  section: string;
  alt: string;
  caption: string;
  credit: string;
  svg: (width: number) => string;
}

type Palette = readonly [string, string, string, string];
const { width: W, height: H } = CANVAS;

/** A soft backdrop: the ground colour with a few large translucent discs. */
function backdrop(rng: Rng, p: Palette): string {
  const discs = Array.from({ length: 4 }, () => {
    const r = rng.int(180, 420);
    return `<circle cx="${rng.int(0, W)}" cy="${rng.int(0, H)}" r="${r}" fill="${rng.pick([p[1], p[2]])}" opacity="${n(rng.float(0.12, 0.28, 2), 2)}"/>`;
  });
  return `<rect width="${W}" height="${H}" fill="${p[0]}"/>${discs.join('')}`;
}

const MOTIFS: Record<string, { what: string; draw: (rng: Rng, p: Palette) => string }> = {
  markets: {
    what: 'rising and falling columns over a stepped line',
    draw(rng, p) {
      const bars = Array.from({ length: 14 }, (_, i) => {
        const h = 120 + 340 * (0.5 + 0.5 * Math.sin(i / 2.2 + rng.next())) * rng.float(0.6, 1, 2);
        return `<rect x="${90 + i * 80}" y="${n(620 - h)}" width="52" height="${n(h)}" rx="6" fill="${i % 3 === 0 ? p[3] : p[2]}" opacity="0.9"/>`;
      });
      let y = 520;
      const steps = Array.from({ length: 15 }, (_, i) => {
        y = Math.max(140, Math.min(600, y + rng.int(-90, 60)));
        return `${i === 0 ? 'M' : 'L'}${70 + i * 80} ${y}`;
      });
      return `${bars.join('')}<path d="${steps.join(' ')}" fill="none" stroke="${p[3]}" stroke-width="10" stroke-linejoin="round"/>`;
    },
  },
  economy: {
    what: 'a low sun over rows of fields',
    draw(rng, p) {
      const sunX = rng.int(300, 980);
      const rings = [260, 200, 140].map(
        (r, i) => `<circle cx="${sunX}" cy="380" r="${r}" fill="${[p[1], p[2], p[3]][i]}" opacity="${0.5 + i * 0.2}"/>`,
      );
      const rows = Array.from({ length: 7 }, (_, i) => {
        const top = 400 + i * 48;
        const bend = rng.int(-60, 60);
        return `<path d="M0 ${top} Q ${W / 2} ${top + bend} ${W} ${top} V ${H} H 0 Z" fill="${i % 2 ? p[1] : p[0]}" opacity="${n(0.55 + i * 0.06, 2)}"/>`;
      });
      return rings.join('') + rows.join('');
    },
  },
  companies: {
    what: 'a skyline of office blocks with lit windows',
    draw(rng, p) {
      const blocks: string[] = [];
      let x = 40;
      while (x < W - 60) {
        const w = rng.int(110, 190);
        const h = rng.int(220, 560);
        blocks.push(`<rect x="${x}" y="${H - h}" width="${w}" height="${h}" fill="${rng.pick([p[1], p[2]])}"/>`);
        for (let wy = H - h + 30; wy < H - 40; wy += 46)
          for (let wx = x + 18; wx < x + w - 30; wx += 38)
            if (rng.chance(0.45)) blocks.push(`<rect x="${wx}" y="${wy}" width="18" height="24" fill="${p[3]}" opacity="0.85"/>`);
        x += w + rng.int(14, 40);
      }
      return blocks.join('');
    },
  },
  politics: {
    what: 'rows of seats in a semicircular chamber',
    draw(rng, p) {
      const seats: string[] = [];
      const cx = W / 2;
      const cy = 640;
      const split = rng.float(0.35, 0.65, 2);
      for (let row = 0; row < 7; row++) {
        const r = 200 + row * 52;
        const count = 14 + row * 5;
        for (let i = 0; i < count; i++) {
          const a = Math.PI * (1 - i / (count - 1));
          const colour = i / count < split ? p[3] : p[2];
          seats.push(`<circle cx="${n(cx + r * Math.cos(a))}" cy="${n(cy - r * Math.sin(a))}" r="15" fill="${colour}"/>`);
        }
      }
      return `${seats.join('')}<rect x="${cx - 90}" y="${cy - 40}" width="180" height="70" rx="10" fill="${p[1]}"/>`;
    },
  },
  world: {
    what: 'a globe of meridians and parallels with routes arcing across it',
    draw(rng, p) {
      const cx = rng.int(480, 800);
      const cy = 370;
      const r = 280;
      const lines = [
        `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${p[1]}"/>`,
        ...[0.25, 0.55, 0.85].map(
          (k) => `<ellipse cx="${cx}" cy="${cy}" rx="${n(r * k)}" ry="${r}" fill="none" stroke="${p[2]}" stroke-width="4"/>`,
        ),
        ...[-0.6, -0.2, 0.2, 0.6].map((k) => {
          const yy = cy + r * k;
          const half = r * Math.sqrt(1 - k * k);
          return `<line x1="${n(cx - half)}" x2="${n(cx + half)}" y1="${n(yy)}" y2="${n(yy)}" stroke="${p[2]}" stroke-width="4"/>`;
        }),
      ];
      for (let i = 0; i < 4; i++) {
        const x1 = rng.int(60, 400);
        const x2 = rng.int(880, 1220);
        const y1 = rng.int(150, 600);
        const y2 = rng.int(150, 600);
        lines.push(
          `<path d="M${x1} ${y1} Q ${(x1 + x2) / 2} ${rng.int(-80, 120)} ${x2} ${y2}" fill="none" stroke="${p[3]}" stroke-width="6" stroke-dasharray="18 14"/>`,
          `<circle cx="${x1}" cy="${y1}" r="12" fill="${p[3]}"/><circle cx="${x2}" cy="${y2}" r="12" fill="${p[3]}"/>`,
        );
      }
      return lines.join('');
    },
  },
  technology: {
    what: 'circuit tracks joining a chip to its contacts',
    draw(rng, p) {
      const chip = { x: rng.int(470, 680), y: rng.int(230, 330), w: 220, h: 160 };
      const tracks: string[] = [];
      for (let i = 0; i < 18; i++) {
        const fromTop = i % 2 === 0;
        const sx = chip.x + 20 + ((i * 23) % (chip.w - 40));
        const sy = fromTop ? chip.y : chip.y + chip.h;
        const ey = fromTop ? rng.int(30, chip.y - 60) : rng.int(chip.y + chip.h + 60, H - 30);
        const ex = sx + rng.int(-420, 420);
        const mid = (sy + ey) / 2;
        tracks.push(
          `<path d="M${sx} ${sy} V${n(mid)} L${ex} ${n(mid + (ey > sy ? 40 : -40))} V${ey}" fill="none" stroke="${rng.pick([p[2], p[3]])}" stroke-width="6"/>`,
          `<circle cx="${ex}" cy="${ey}" r="14" fill="${p[0]}" stroke="${p[3]}" stroke-width="6"/>`,
        );
      }
      return `${tracks.join('')}<rect x="${chip.x}" y="${chip.y}" width="${chip.w}" height="${chip.h}" rx="14" fill="${p[1]}" stroke="${p[3]}" stroke-width="6"/>`;
    },
  },
  opinion: {
    what: 'overlapping speech bubbles',
    draw(rng, p) {
      return Array.from({ length: 5 }, (_, i) => {
        const x = rng.int(80, 820);
        const y = rng.int(70, 400);
        const w = rng.int(260, 420);
        const h = rng.int(150, 230);
        const fill = [p[1], p[2], p[3]][i % 3]!;
        return `<g opacity="0.92"><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="40" fill="${fill}"/><path d="M${x + 60} ${y + h - 4} l 10 70 l 60 -70 Z" fill="${fill}"/></g>`;
      }).join('');
    },
  },
  'markets-insight': {
    what: 'a row of candlesticks above a trend line',
    draw(rng, p) {
      let level = 380;
      const candles = Array.from({ length: 18 }, (_, i) => {
        const open = level;
        level = Math.max(160, Math.min(560, level + rng.int(-70, 70)));
        const top = Math.min(open, level);
        const height = Math.max(10, Math.abs(level - open));
        const x = 90 + i * 62;
        const colour = level < open ? p[3] : p[2];
        return `<line x1="${x + 15}" x2="${x + 15}" y1="${top - rng.int(15, 45)}" y2="${top + height + rng.int(15, 45)}" stroke="${colour}" stroke-width="4"/><rect x="${x}" y="${top}" width="30" height="${height}" fill="${colour}"/>`;
      });
      return `${candles.join('')}<line x1="60" x2="1220" y1="${rng.int(420, 560)}" y2="${rng.int(160, 300)}" stroke="${p[1]}" stroke-width="8" stroke-dasharray="4 14" stroke-linecap="round"/>`;
    },
  },
};

/** How many pictures each section gets (the busiest sections more, so their pages repeat less). */
const VARIANTS: Record<string, number> = {
  markets: 1,
  economy: 1,
  companies: 3,
  politics: 2,
  world: 2,
  technology: 2,
  opinion: 1,
  'markets-insight': 1,
};

/** The demo's section illustrations: `VARIANTS` of each section's motif, each drawn from its own seed. */
export function demoIllustrations(publication: string): Illustration[] {
  return Object.entries(VARIANTS).flatMap(([section, count]) =>
    Array.from({ length: count }, (_, variant) => {
      const motif = MOTIFS[section]!;
      const palette = SECTION_PALETTES[section]!;
      const seed = hashText(`${section}-${variant}`);
      return {
        key: `${section}-${variant + 1}`,
        section,
        alt: `Illustration: ${motif.what}, in abstract shapes.`,
        caption: `An illustration for the ${section.replace('-', ' ')} pages: ${motif.what}.`,
        svg: (width: number) => {
          const rng = createRng(seed);
          return svgDocument(width, backdrop(rng, palette) + motif.draw(rng, palette));
        },
        credit: `Illustration: ${publication} graphics desk`,
      };
    }),
  );
}

/** The site's default image: a masthead of the publication's name over bands of its colours. */
export function mastheadSvg(publication: string, width: number): string {
  const p = SECTION_PALETTES.masthead!;
  const rng = createRng(0x6d617374);
  const bands = Array.from({ length: 9 }, (_, i) => {
    const y = 470 + i * 30;
    return `<rect x="0" y="${y}" width="${W}" height="16" fill="${i % 3 === 0 ? p[3] : p[2]}" opacity="${n(0.25 + rng.next() * 0.5, 2)}"/>`;
  });
  const size = Math.max(48, Math.min(110, Math.floor(2000 / Math.max(8, publication.length))));
  return svgDocument(
    width,
    `<rect width="${W}" height="${H}" fill="${p[0]}"/><rect x="80" y="150" width="${W - 160}" height="6" fill="${p[3]}"/>${bands.join('')}<text x="${W / 2}" y="${n(
      300 + size / 3,
    )}" text-anchor="middle" font-family="'DejaVu Serif', 'Liberation Serif', 'Noto Serif', Georgia, serif" font-size="${size}" font-weight="bold" fill="#f4f1ea">${escapeXml(
      publication,
    )}</text><rect x="80" y="${n(340 + size / 3)}" width="${W - 160}" height="3" fill="${p[2]}"/>`,
  );
}
