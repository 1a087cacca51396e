/** smtp-server's input stream (no typings of its own): smtp/data-scan.ts replaces one method of it. */
declare module 'smtp-server/lib/smtp-stream.js' {
  export class SMTPStream {}
}
