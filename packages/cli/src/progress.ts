import { PROGRESS_LINES } from './limits.js';

/** A progress bar on stderr: redrawn in place on a terminal, a line every 10 % in a log. */
export class Progress {
  readonly #write: (text: string) => void;
  readonly #interactive: boolean;
  readonly #total: number;
  #done = 0;
  #lastLine = -1;

  constructor(write: (text: string) => void, interactive: boolean, total: number) {
    this.#write = write;
    this.#interactive = interactive;
    this.#total = total;
  }

  tick(events: number, failures: number): void {
    this.#done += 1;
    const fraction = this.#total === 0 ? 1 : this.#done / this.#total;
    const text = `${bar(fraction)} ${this.#done}/${this.#total} runs  ${events.toLocaleString('en-US')} events  ${failures} failing`;
    if (this.#interactive) {
      this.#write(`\r${text}`);
      if (this.#done === this.#total) this.#write('\n');
      return;
    }
    const line = Math.floor(fraction * PROGRESS_LINES);
    if (line !== this.#lastLine) {
      this.#lastLine = line;
      this.#write(`${text}\n`);
    }
  }
}

function bar(fraction: number): string {
  const width = 30;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
