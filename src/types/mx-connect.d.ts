/** The part of mx-connect (no typings of its own) that the outbound queue uses. */
declare module 'mx-connect' {
  import type { Socket } from 'node:net';
  interface MxConnection {
    socket: Socket;
    hostname: string;
    host: string;
    port: number;
  }
  function mxConnect(options: { target: string; port?: number; localHostname?: string; maxConnectTime?: number }): Promise<MxConnection>;
  export default mxConnect;
}
