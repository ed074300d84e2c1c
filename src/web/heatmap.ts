import { el } from "./dom.js";
import type { MatrixView } from "./filter-matrix.js";

/** What the heatmap draws, by domain index `s` and operation index `o`. */
export interface HeatmapSource {
  colour(s: number, o: number, css: CSSStyleDeclaration): string;
  rowLabel(s: number): string;
  colLabel(o: number): string;
  /** the hypercall: columns are grouped by it */
  colGroup(o: number): string;
  /** a glyph drawn over the cell, so that a change is told by its shape as well as its colour */
  glyph?(s: number, o: number): Glyph | undefined;
}

/** `+` widened, `−` narrowed, `/` changed (some relations gained, some lost). */
export type Glyph = "+" | "-" | "/";

export interface Cursor {
  readonly s: number;
  readonly o: number;
}

/** The layout, in CSS pixels: row height, column widths, and the frozen label margins. */
export const ROW_H = 12;
export const NARROW = 7;
/** Up to this many columns, each is wide enough to carry its own name. */
export const WIDE_COLUMNS = 80;
export const WIDE = 14;
export const LEFT = 170;
export const TOP = 130;
const FONT = "10px system-ui, sans-serif";

/**
 * The decision matrix on one canvas the size of its scroll box: only the visible cells are drawn,
 * with the domain names frozen on the left and the operation names (or their hypercalls) on top,
 * so a 4,096-domain matrix costs what its window shows.
 */
export class Heatmap {
  readonly wrap = el("div", { id: "heatmap-wrap" });
  readonly canvas = el("canvas", { tabIndex: 0, id: "heatmap" });
  /** what the window hides of the columns: a line under the heatmap */
  readonly cue = el("p", { id: "cols-cue", className: "muted" });
  private readonly sizer = el("div", { className: "sizer" });
  private view: MatrixView = { rows: [], cols: [] };
  private sel = { row: 0, col: 0 };
  private pending = false;

  constructor(
    private readonly source: HeatmapSource,
    /** the cell under the selection or the pointer changed; `explain` when the reader asked for its explanation */
    private readonly onCursor: (c: Cursor | undefined, why: "select" | "hover" | "explain") => void,
  ) {
    this.canvas.setAttribute("role", "application");
    this.canvas.setAttribute(
      "aria-label",
      "decision matrix: arrow keys, Page Up/Down, Home and End move; Enter explains the cell",
    );
    this.wrap.append(this.sizer, this.canvas);
    this.wrap.addEventListener("scroll", () => this.schedule());
    window.addEventListener("resize", () => this.schedule());
    this.canvas.addEventListener("click", (e) => {
      const hit = this.hit(e);
      if (!hit) return;
      this.sel = hit;
      this.draw();
      this.onCursor(this.cursor(), "explain");
    });
    this.canvas.addEventListener("mousemove", (e) => {
      const hit = this.hit(e);
      this.onCursor(hit ? this.at(hit.row, hit.col) : this.cursor(), "hover");
    });
    this.canvas.addEventListener("mouseleave", () => this.onCursor(this.cursor(), "hover"));
    this.canvas.addEventListener("keydown", (e) => this.key(e));
  }

  private get colW(): number {
    return this.view.cols.length <= WIDE_COLUMNS ? WIDE : NARROW;
  }

  /** Shows these rows and columns, keeping the selected cell when it is still there. */
  setView(view: MatrixView): void {
    const keep = this.cursor();
    this.view = view;
    // what the canvas shows, for scripts and tests that read the page
    this.canvas.dataset.rows = String(view.rows.length);
    this.canvas.dataset.cols = String(view.cols.length);
    const row = keep ? view.rows.indexOf(keep.s) : -1;
    const col = keep ? view.cols.indexOf(keep.o) : -1;
    this.sel = { row: Math.max(0, row), col: Math.max(0, col) };
    this.draw();
    this.onCursor(this.cursor(), "select");
  }

  /** Selects a cell by domain and operation index, if the view shows it. */
  select(c: Cursor): boolean {
    const row = this.view.rows.indexOf(c.s);
    const col = this.view.cols.indexOf(c.o);
    if (row < 0 || col < 0) return false;
    this.sel = { row, col };
    this.reveal();
    this.draw();
    this.onCursor(this.cursor(), "select");
    return true;
  }

  cursor(): Cursor | undefined {
    return this.at(this.sel.row, this.sel.col);
  }

  private at(row: number, col: number): Cursor | undefined {
    const s = this.view.rows[row];
    const o = this.view.cols[col];
    return s === undefined || o === undefined ? undefined : { s, o };
  }

  private hit(e: MouseEvent): { row: number; col: number } | undefined {
    const r = this.canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    if (x < LEFT || y < TOP) return undefined;
    const row = Math.floor((y - TOP + this.wrap.scrollTop) / ROW_H);
    const col = Math.floor((x - LEFT + this.wrap.scrollLeft) / this.colW);
    return this.at(row, col) ? { row, col } : undefined;
  }

  private key(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor((this.wrap.clientHeight - TOP) / ROW_H) - 1);
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      PageUp: [-page, 0],
      PageDown: [page, 0],
      Home: [0, -this.view.cols.length],
      End: [0, this.view.cols.length],
    };
    const d = moves[e.key];
    if (d) {
      e.preventDefault();
      this.sel = {
        row: Math.max(0, Math.min(this.view.rows.length - 1, this.sel.row + d[0])),
        col: Math.max(0, Math.min(this.view.cols.length - 1, this.sel.col + d[1])),
      };
      this.reveal();
      this.draw();
      this.onCursor(this.cursor(), "select");
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      this.onCursor(this.cursor(), "explain");
    }
  }

  /** Scrolls the selected cell into the window. */
  private reveal(): void {
    const w = this.wrap;
    const y = this.sel.row * ROW_H;
    const x = this.sel.col * this.colW;
    const h = w.clientHeight - TOP;
    const wd = w.clientWidth - LEFT;
    if (y < w.scrollTop) w.scrollTop = y;
    else if (y + ROW_H > w.scrollTop + h) w.scrollTop = y + ROW_H - h;
    if (x < w.scrollLeft) w.scrollLeft = x;
    else if (x + this.colW > w.scrollLeft + wd) w.scrollLeft = x + this.colW - wd;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  draw(): void {
    const { rows, cols } = this.view;
    const cw = this.colW;
    const totalW = LEFT + Math.max(1, cols.length) * cw;
    const totalH = TOP + Math.max(1, rows.length) * ROW_H;
    this.sizer.style.width = `${totalW}px`;
    this.sizer.style.height = `${totalH}px`;
    const w = this.wrap;
    const vw = Math.max(1, Math.min(w.clientWidth, totalW));
    const vh = Math.max(1, Math.min(w.clientHeight || totalH, totalH));
    const dpr = window.devicePixelRatio || 1;
    const c = this.canvas;
    if (c.width !== Math.round(vw * dpr) || c.height !== Math.round(vh * dpr)) {
      c.width = Math.round(vw * dpr);
      c.height = Math.round(vh * dpr);
      c.style.width = `${vw}px`;
      c.style.height = `${vh}px`;
    }
    c.style.left = `${w.scrollLeft}px`;
    c.style.top = `${w.scrollTop}px`;
    const ctx = c.getContext("2d");
    if (!ctx) return;
    const css = getComputedStyle(document.documentElement);
    const v = (name: string) => css.getPropertyValue(name).trim();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = v("--bg");
    ctx.fillRect(0, 0, vw, vh);
    ctx.font = FONT;
    const sx = w.scrollLeft;
    const sy = w.scrollTop;
    const r0 = Math.floor(sy / ROW_H);
    const r1 = Math.min(rows.length, Math.ceil((sy + vh - TOP) / ROW_H) + 1);
    const c0 = Math.floor(sx / cw);
    const c1 = Math.min(cols.length, Math.ceil((sx + vw - LEFT) / cw) + 1);
    // the end of the columns wholly in the window
    const end = Math.max(0, Math.min(cols.length, Math.floor((sx + vw - LEFT) / cw)));
    const clip = (x: number, y: number, cw_: number, ch: number, paint: () => void) => {
      ctx.save();
      ctx.beginPath();
      ctx.rect(x, y, cw_, ch);
      ctx.clip();
      paint();
      ctx.restore();
    };
    clip(LEFT, TOP, vw - LEFT, vh - TOP, () => {
      const glyphs: [number, number, Glyph][] | undefined = this.source.glyph ? [] : undefined;
      for (let r = r0; r < r1; r++)
        for (let k = c0; k < c1; k++) {
          const s = rows[r] as number;
          const o = cols[k] as number;
          ctx.fillStyle = this.source.colour(s, o, css);
          const x = LEFT + k * cw - sx;
          const y = TOP + r * ROW_H - sy;
          ctx.fillRect(x, y, cw - 1, ROW_H - 1);
          const g = glyphs && this.source.glyph?.(s, o);
          if (g) glyphs?.push([x, y, g]);
        }
      if (glyphs?.length) this.glyphs(ctx, glyphs, cw, v("--bg"));
      // a fade at the right edge when columns lie beyond it
      if (end < cols.length) {
        const fade = ctx.createLinearGradient(vw - 24, 0, vw, 0);
        fade.addColorStop(0, "rgba(128,128,128,0)");
        fade.addColorStop(1, "rgba(128,128,128,0.55)");
        ctx.fillStyle = fade;
        ctx.fillRect(vw - 24, TOP, 24, vh - TOP);
      }
      if (!this.cursor()) return;
      // the page's background around the text colour: seen on every cell colour, in both themes
      const [x, y] = [LEFT + this.sel.col * cw - sx, TOP + this.sel.row * ROW_H - sy];
      ctx.strokeStyle = v("--bg");
      ctx.lineWidth = 4;
      ctx.strokeRect(x - 1, y - 1, cw + 1, ROW_H + 1);
      ctx.strokeStyle = v("--fg");
      ctx.lineWidth = 2;
      ctx.strokeRect(x - 1, y - 1, cw + 1, ROW_H + 1);
    });
    clip(0, TOP, LEFT, vh - TOP, () => {
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      for (let r = r0; r < r1; r++) {
        ctx.fillStyle = r === this.sel.row ? v("--sel") : v("--fg");
        ctx.fillText(
          this.fit(ctx, this.source.rowLabel(rows[r] as number), LEFT - 10),
          LEFT - 6,
          TOP + r * ROW_H - sy + ROW_H / 2,
        );
      }
    });
    clip(LEFT, 0, vw - LEFT, TOP, () => this.header(ctx, c0, c1, sx, v));
    this.updateCue(Math.ceil(sx / cw), end);
  }

  /** Says how many columns lie left and right of the window (whole columns in it count as shown). */
  private updateCue(first: number, end: number): void {
    const n = this.view.cols.length;
    // a hidden heatmap (no cell matches) has no window
    const shown = n > 0 && this.wrap.clientWidth > 0;
    const left = shown ? Math.min(first, n) : 0;
    const right = shown ? Math.max(0, n - end) : 0;
    this.cue.dataset.left = String(left);
    this.cue.dataset.right = String(right);
    this.cue.textContent =
      left || right
        ? `operations ${left + 1}–${end} of ${n} in view${left ? `; ◂ ${left} to the left` : ""}${right ? `; ${right} more to the right ▸ (scroll, or the arrow keys)` : ""}`
        : "";
  }

  /** The glyphs of changed cells, in the background's colour over the cell's. */
  private glyphs(ctx: CanvasRenderingContext2D, at: [number, number, Glyph][], cw: number, bg: string): void {
    const w = cw - 1;
    const h = ROW_H - 1;
    const arm = Math.max(2, Math.min(w, h) / 2 - 1.5);
    ctx.strokeStyle = bg;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (const [x, y, g] of at) {
      const cx = x + w / 2;
      const cy = y + h / 2;
      if (g === "/") {
        ctx.moveTo(cx - arm, cy + arm);
        ctx.lineTo(cx + arm, cy - arm);
        continue;
      }
      ctx.moveTo(cx - arm, cy);
      ctx.lineTo(cx + arm, cy);
      if (g === "+") {
        ctx.moveTo(cx, cy - arm);
        ctx.lineTo(cx, cy + arm);
      }
    }
    ctx.stroke();
  }

  /** Column names when the columns are wide, else one name per hypercall; a band marks each hypercall. */
  private header(
    ctx: CanvasRenderingContext2D,
    c0: number,
    c1: number,
    sx: number,
    v: (n: string) => string,
  ) {
    const { cols } = this.view;
    const cw = this.colW;
    const wide = cw === WIDE;
    let group = "";
    let band = 0;
    let lastLabel = Number.NEGATIVE_INFINITY;
    let unlabelled = "";
    // the band's parity counts groups from the first column, so it does not flicker on scroll
    for (let k = 0; k < c1; k++) {
      const o = cols[k] as number;
      const g = this.source.colGroup(o);
      const starts = g !== group;
      if (starts) {
        group = g;
        band++;
        unlabelled = g;
      }
      if (k < c0) continue;
      const x = LEFT + k * cw - sx;
      ctx.fillStyle = band % 2 ? v("--muted") : v("--line");
      ctx.fillRect(x, TOP - 6, cw, 4);
      // a hypercall's name goes on its first column with room for it
      const text = wide ? this.source.colLabel(o) : unlabelled === g && x - lastLabel >= 12 ? g : undefined;
      if (text === undefined) continue;
      unlabelled = "";
      lastLabel = x;
      ctx.save();
      ctx.translate(x + cw / 2 + 3, TOP - 9);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "left";
      ctx.textBaseline = "alphabetic";
      ctx.fillStyle = k === this.sel.col ? v("--sel") : v("--fg");
      ctx.fillText(this.fit(ctx, text, TOP - 12), 0, 0);
      ctx.restore();
    }
  }

  private fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
    if (ctx.measureText(text).width <= width) return text;
    let t = text;
    while (t.length > 1 && ctx.measureText(`${t}…`).width > width) t = t.slice(0, -1);
    return `${t}…`;
  }
}
