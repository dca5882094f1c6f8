/**
 * Progress of a long command on stderr: on a terminal a progress display (`cli-progress`: resources
 * done / listed so far, rate, ETA once the listing is complete); otherwise plain lines, at most one
 * every `LINE_EVERY_MS`, so a CI log stays readable (the sweep adds a line per account, region and
 * kind listed).
 */
import cliProgress from 'cli-progress';
import type { SweepProgress } from '@fixbridge/core/sweep';
import type { Io } from './io';

const LINE_EVERY_MS = 5_000;

export interface Progress {
  update(p: SweepProgress): void;
  /** A line of its own (the display is redrawn under it). */
  note(text: string): void;
  stop(): void;
}

const rateOf = (done: number, ms: number) => (ms > 0 ? (done * 1000) / ms : 0);
function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "120/400 resources (85/s, ETA 3s)", or "120/400+ resources (85/s, listing…)" while listing goes on. */
export function progressText(p: SweepProgress, elapsedMs: number): string {
  const rate = rateOf(p.done, elapsedMs);
  const eta = p.listingDone ? `ETA ${duration(rate > 0 ? (p.listed - p.done) / rate : Infinity)}` : 'listing…';
  return `${p.done}/${p.listed}${p.listingDone ? '' : '+'} resources (${rate.toFixed(rate < 10 ? 1 : 0)}/s, ${eta})`;
}

export function progressFor(io: Io, startedAt = Date.now()): Progress {
  const terminal = io.progressTerminal;
  if (terminal) {
    // A MultiBar of one bar: its log() writes a line above the display and redraws it.
    const display = new cliProgress.MultiBar(
      {
        stream: terminal,
        format: 'sweeping {bar} {value}/{total}{more} resources | {rate}/s | {eta_text}',
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    const bar = display.create(0, 0, { more: '+', rate: '0', eta_text: 'listing…' });
    return {
      update(p) {
        const rate = rateOf(p.done, Date.now() - startedAt);
        const eta = p.listingDone ? `ETA ${duration(rate > 0 ? (p.listed - p.done) / rate : Infinity)}` : 'listing…';
        bar.setTotal(Math.max(p.listed, 1));
        bar.update(p.done, { more: p.listingDone ? '' : '+', rate: rate.toFixed(rate < 10 ? 1 : 0), eta_text: eta });
      },
      note: (text) => display.log(`${text}\n`),
      stop: () => display.stop(),
    };
  }
  let lastLine = startedAt;
  return {
    update(p) {
      const now = Date.now();
      if (now - lastLine < LINE_EVERY_MS) return;
      lastLine = now;
      io.stderr(`fixbridge: swept ${progressText(p, now - startedAt)}\n`);
    },
    note: (text) => io.stderr(`${text}\n`),
    stop: () => {},
  };
}
