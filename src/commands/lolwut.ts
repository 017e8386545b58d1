/**
 * LOLWUT [VERSION n] [args]: redis-server 7.0's computer art. 7.0 has no art of its own: its
 * LOLWUT (and any VERSION other than 5 and 6) answers just "Redis ver. 7.0.15". VERSION 5 draws
 * Georg Nees' "Schotter" in Braille characters (lolwut5.c), VERSION 6 a city skyline in terminal
 * colours (lolwut6.c). Both are random in Redis (its rand()); here Math.random() plays that part,
 * so the pieces are Redis' drawings with other dice. Schotter's first two rows are not random,
 * so with at most two rows of squares the output is Redis' byte for byte. Float arithmetic is
 * kept as C's (Math.fround, C's round) so the geometry lands on the same pixels.
 */
import type { CommandContext, CommandHandlers } from './types.js';
import { REDIS_COMPAT_VERSION } from './connection.js';
import { parseInteger } from './connection.js';

const NOT_INTEGER = 'ERR value is not an integer or out of range';
const RAND_MAX = 0x7fffffff;

/** C's rand(): an integer in [0, RAND_MAX]. */
function rand(): number {
  return Math.floor(Math.random() * (RAND_MAX + 1));
}

/** C's round(): halves away from zero (Math.round rounds -2.5 to -2). */
function cRound(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

const f32 = Math.fround;

/** lwCanvas: a grid of colour indexes, reads outside it are 0. */
class Canvas {
  readonly pixels: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: number) {
    this.pixels = new Uint8Array(width * height).fill(background);
  }

  draw(x: number, y: number, color: number): void {
    if (x < 0 || x >= this.width || y < 0 || y >= this.height) return;
    this.pixels[x + y * this.width] = color;
  }

  get(x: number, y: number): number {
    if (x < 0 || x >= this.width || y < 0 || y >= this.height) return 0;
    return this.pixels[x + y * this.width];
  }

  /** Bresenham, as lwDrawLine. */
  line(x1: number, y1: number, x2: number, y2: number, color: number): void {
    const dx = Math.abs(x2 - x1);
    const dy = Math.abs(y2 - y1);
    const sx = x1 < x2 ? 1 : -1;
    const sy = y1 < y2 ? 1 : -1;
    let err = dx - dy;
    for (;;) {
      this.draw(x1, y1, color);
      if (x1 === x2 && y1 === y2) break;
      const e2 = err * 2;
      if (e2 > -dy) {
        err -= dy;
        x1 += sx;
      }
      if (e2 < dx) {
        err += dx;
        y1 += sy;
      }
    }
  }

  /** lwDrawSquare: a square of side `size` centred at x,y, turned by `angle` radians. */
  square(x: number, y: number, size: number, angle: number, color: number): void {
    const side = f32(cRound(f32(size / 1.4142135623)));
    const px: number[] = [];
    const py: number[] = [];
    let k = f32(Math.PI / 4 + angle);
    for (let j = 0; j < 4; j++) {
      px.push(cRound(Math.sin(k) * side + x));
      py.push(cRound(Math.cos(k) * side + y));
      k = f32(k + Math.PI / 2);
    }
    for (let j = 0; j < 4; j++) this.line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
  }
}

/** lwDrawSchotter: rows of squares, more disordered the lower they are. */
function drawSchotter(consoleCols: number, perRow: number, perCol: number): Canvas {
  const width = consoleCols * 2;
  const padding = width > 4 ? 2 : 0;
  const side = f32((width - padding * 2) / perRow);
  const height = Math.trunc(f32(f32(side * perCol) + padding * 2));
  const canvas = new Canvas(width, height, 0);
  for (let y = 0; y < perCol; y++) {
    for (let x = 0; x < perRow; x++) {
      let sx = Math.trunc(f32(f32(f32(x * side) + f32(side / 2)) + padding));
      let sy = Math.trunc(f32(f32(f32(y * side) + f32(side / 2)) + padding));
      let angle = 0;
      if (y > 1) {
        let r1 = f32(f32(f32(rand() / RAND_MAX) / perCol) * y);
        let r2 = f32(f32(f32(rand() / RAND_MAX) / perCol) * y);
        let r3 = f32(f32(f32(rand() / RAND_MAX) / perCol) * y);
        if (rand() % 2) r1 = -r1;
        if (rand() % 2) r2 = -r2;
        if (rand() % 2) r3 = -r3;
        angle = r1;
        sx = Math.trunc(f32(sx + f32(f32(r2 * side) / 3)));
        sy = Math.trunc(f32(sy + f32(f32(r3 * side) / 3)));
      }
      canvas.square(sx, sy, side, angle, 1);
    }
  }
  return canvas;
}

/** Each 2x4 block of pixels as one Braille character (dots 1-8 in Unicode's bit order). */
function renderBraille(canvas: Canvas): string {
  let text = '';
  for (let y = 0; y < canvas.height; y += 4) {
    for (let x = 0; x < canvas.width; x += 2) {
      let byte = 0;
      if (canvas.get(x, y)) byte |= 1 << 0;
      if (canvas.get(x, y + 1)) byte |= 1 << 1;
      if (canvas.get(x, y + 2)) byte |= 1 << 2;
      if (canvas.get(x + 1, y)) byte |= 1 << 3;
      if (canvas.get(x + 1, y + 1)) byte |= 1 << 4;
      if (canvas.get(x + 1, y + 2)) byte |= 1 << 5;
      if (canvas.get(x, y + 3)) byte |= 1 << 6;
      if (canvas.get(x + 1, y + 3)) byte |= 1 << 7;
      text += String.fromCharCode(0x2800 + byte);
    }
    if (y !== canvas.height - 1) text += '\n';
  }
  return text;
}

/** The four greys of a colour terminal (black, two greys, white), foreground and background. */
const SKYLINE_COLORS = ['0;30;40m', '0;90;100m', '0;37;47m', '0;97;107m'];

function renderColors(canvas: Canvas): string {
  let text = '';
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) text += `\x1b[${SKYLINE_COLORS[canvas.get(x, y)] ?? SKYLINE_COLORS[0]} \x1b[0m`;
    if (y !== canvas.height - 1) text += '\n';
  }
  return text;
}

interface Skyscraper {
  xoff: number;
  width: number;
  height: number;
  windows: boolean;
  color: number;
}

/** generateSkyscraper: a block from the bottom up, its roof narrower, windows in other greys. */
function drawSkyscraper(canvas: Canvas, s: Skyscraper): void {
  const startY = canvas.height - 1;
  const endY = startY - s.height + 1;
  for (let y = startY; y >= endY; y--) {
    for (let x = s.xoff; x < s.xoff + s.width; x++) {
      if (y === endY && (x <= s.xoff + 1 || x >= s.xoff + s.width - 2)) continue;
      let color = s.color;
      if (s.windows && x > s.xoff + 1 && x < s.xoff + s.width - 2 && y > endY + 1 && y < startY - 1) {
        const relx = x - (s.xoff + 1);
        const rely = y - (endY + 1);
        if (Math.trunc(relx / 2) % 2 && rely % 2) {
          do color = 1 + (rand() % 2);
          while (color === s.color);
          if (relx % 2) color = canvas.get(x - 1, y);
        }
      }
      canvas.draw(x, y, color);
    }
  }
}

/** generateSkyline: two grey layers of towers behind, black towers with windows in front. */
function drawSkyline(canvas: Canvas): void {
  const h = canvas.height;
  for (let color = 2; color >= 1; color--) {
    for (let offset = -10; offset < canvas.width;) {
      offset += rand() % 8;
      const width = 10 + (rand() % 9);
      // C's `h/2 + rand()%h/2` parses as h/2 + ((rand()%h)/2).
      const height = color === 2 ? Math.trunc(h / 2) + Math.trunc((rand() % h) / 2) : Math.trunc(h / 2) + Math.trunc((rand() % h) / 3);
      drawSkyscraper(canvas, { xoff: offset, width, height, windows: false, color });
      offset += color === 2 ? Math.trunc(width / 2) : width + 1;
    }
  }
  for (let offset = -10; offset < canvas.width;) {
    offset += rand() % 8;
    let width = 5 + (rand() % 14);
    if (width % 4) width += width % 3;
    const height = Math.trunc(h / 3) + Math.trunc((rand() % h) / 2);
    drawSkyscraper(canvas, { xoff: offset, width, height, windows: true, color: 0 });
    offset += width + 5;
  }
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** The numeric arguments after VERSION n, each defaulted, as getLongFromObjectOrReply reads them; null: not a number. */
function numbers(args: readonly Buffer[], defaults: readonly number[]): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < defaults.length; i++) {
    if (i >= args.length) {
      out.push(defaults[i]);
      continue;
    }
    const v = parseInteger(args[i]);
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

function lolwut(ctx: CommandContext, argv: Buffer[]): void {
  let version = 7;
  let args = argv.slice(1);
  if (argv.length >= 3 && argv[1].toString('latin1').toLowerCase() === 'version') {
    const v = parseInteger(argv[2]);
    if (v === null) {
      ctx.reply.error(NOT_INTEGER);
      return;
    }
    version = v;
    args = argv.slice(3);
  }
  const signature = `Redis ver. ${REDIS_COMPAT_VERSION}\n`;
  if (version === 5) {
    const n = numbers(args, [66, 8, 12]);
    if (n === null) {
      ctx.reply.error(NOT_INTEGER);
      return;
    }
    const canvas = drawSchotter(clamp(n[0], 1, 1000), clamp(n[1], 1, 200), clamp(n[2], 1, 200));
    ctx.reply.verbatim(`${renderBraille(canvas)}\nGeorg Nees - schotter, plotter on paper, 1968. ${signature}`);
  } else if (version === 6) {
    const n = numbers(args, [80, 20]);
    if (n === null) {
      ctx.reply.error(NOT_INTEGER);
      return;
    }
    const canvas = new Canvas(clamp(n[0], 1, 1000), clamp(n[1], 1, 1000), 3);
    drawSkyline(canvas);
    ctx.reply.verbatim(`${renderColors(canvas)}\nDedicated to the 8 bit game developers of past and present.\nOriginal 8 bit image from Plaguemon by hikikomori. ${signature}`);
  } else {
    ctx.reply.verbatim(signature);
  }
}

/** Handlers by command name; the metadata is in ../command-table/introspection.ts. */
export const lolwutHandlers: CommandHandlers = { lolwut };
