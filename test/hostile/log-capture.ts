import type { LoggerService } from '@nestjs/common';

/**
 * A Nest logger that keeps every line at every level, so a suite can search all that the app
 * logged for secrets. Lines are also kept from `console`, which a dependency might use.
 */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.keep('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.keep('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.keep('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.keep('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.keep('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.keep('fatal', message, rest);
  }

  /** Routes `console` output into the capture until the returned function is called. */
  captureConsole(): () => void {
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const originals = methods.map((name) => console[name]);
    for (const name of methods) {
      console[name] = (...args: unknown[]) => this.keep(`console.${name}`, args[0], args.slice(1));
    }
    return () => methods.forEach((name, index) => (console[name] = originals[index]));
  }

  /** Returns the captured lines that contain `secret`. */
  linesContaining(secret: string): string[] {
    return this.lines.filter((line) => line.includes(secret));
  }

  private keep(level: string, message: unknown, rest: unknown[]): void {
    const parts = [message, ...rest].map((part) => (part instanceof Error ? `${part.name}: ${part.message}\n${part.stack ?? ''}` : typeof part === 'string' ? part : JSON.stringify(part)));
    this.lines.push(`${level} ${parts.join(' ')}`);
  }
}
