export interface ProgressCounts {
  total: number;
  created: number;
  linked: number;
  kept: number;
  skipped: number;
  failed: number;
}

export interface Progress {
  /** A step that has no count yet ("reading the Stripe catalog"). */
  phase(text: string): void;
  update(counts: ProgressCounts): void;
  /** A line that must stay visible (a retry, a warning). */
  note(line: string): void;
  finish(counts: ProgressCounts): void;
}

interface Output {
  write(text: string): unknown;
}

export const silentProgress: Progress = { phase() {}, update() {}, note() {}, finish() {} };

const done = (c: ProgressCounts) => c.created + c.linked + c.kept + c.skipped + c.failed;
const percent = (c: ProgressCounts) => (c.total === 0 ? 100 : Math.floor((done(c) / c.total) * 100));
const tally = (c: ProgressCounts) => `created ${c.created} · linked ${c.linked} · kept ${c.kept} · skipped ${c.skipped} · failed ${c.failed}`;

/**
 * A bar redrawn in place on a terminal; on anything else (CI logs, a pipe) one plain line every
 * few seconds, so logs stay readable and still show that the run is moving.
 */
export function createProgress(out: Output, tty: boolean, now: () => number = Date.now, lineEveryMs = 2000): Progress {
  const started = now();
  let lastDraw = 0;
  let barShown = false;
  let last: ProgressCounts | undefined;
  const rate = (c: ProgressCounts) => {
    const seconds = (now() - started) / 1000;
    return seconds > 0 ? `${Math.round(done(c) / seconds)}/s` : '';
  };

  const bar = (c: ProgressCounts) => {
    const width = 28;
    const filled = Math.round((percent(c) / 100) * width);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent(c)}% ${done(c)}/${c.total} ${rate(c)} · ${tally(c)}`;
  };
  const clear = () => {
    if (barShown) out.write('\r\x1b[2K');
    barShown = false;
  };
  const draw = (c: ProgressCounts) => {
    out.write(`\r\x1b[2K${bar(c)}`);
    barShown = true;
  };

  return {
    phase(text) {
      clear();
      out.write(`${text}\n`);
    },
    update(counts) {
      last = counts;
      const time = now();
      if (time - lastDraw < (tty ? 100 : lineEveryMs)) return;
      lastDraw = time;
      if (tty) draw(counts);
      else out.write(`progress ${done(counts)}/${counts.total} (${percent(counts)}%) ${tally(counts)} ${rate(counts)}\n`);
    },
    note(line) {
      clear();
      out.write(`${line}\n`);
      if (tty && last) draw(last);
    },
    finish(counts) {
      if (tty) {
        draw(counts);
        out.write('\n');
        barShown = false;
      } else out.write(`progress ${done(counts)}/${counts.total} (${percent(counts)}%) ${tally(counts)} ${rate(counts)}\n`);
    },
  };
}
