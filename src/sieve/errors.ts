/**
 * A Sieve script refused before it runs: where (line and column, 1-based) and why.
 * ManageSieve sends the message in its NO reply (RFC 5804 §2.6), the CLI prints it.
 */
export interface Position {
  line: number;
  column: number;
}

export class SieveSyntaxError extends Error {
  constructor(
    readonly pos: Position,
    readonly reason: string,
  ) {
    super(`line ${pos.line}, column ${pos.column}: ${reason}`);
    this.name = 'SieveSyntaxError';
  }
}
