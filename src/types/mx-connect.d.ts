/** The part of mx-connect (no typings of its own) that the outbound queue uses. */
declare module 'mx-connect' {
  import type { Socket } from 'node:net';
  interface MxConnection {
    socket: Socket;
    hostname: string;
    host: string;
    port: number;
    /** Set when an MTA-STS policy was applied (mailauth's validateMx result). */
    policyMatch?: { valid: boolean; mode: string; testing: boolean };
  }
  interface MxConnectOptions {
    target: string;
    port?: number;
    localHostname?: string;
    maxConnectTime?: number;
    dnsOptions?: {
      resolve?: (name: string, type: string, cb: (err: Error | null, data?: unknown) => void) => void;
      ignoreIPv6?: boolean;
      preferIPv6?: boolean;
      blockLocalAddresses?: boolean;
    };
    mtaSts?: {
      enabled: boolean;
      cache?: { get(domain: string): Promise<unknown>; set(domain: string, policy: never): Promise<unknown> };
      logger?: (entry: never) => void;
    };
    /**
     * DANE (lib/dane.js): `resolveTlsa` gives the TLSA records of `_<port>._tcp.<mx>`
     * ([] for none); a throw other than ENODATA/ENOTFOUND keeps mx-connect off that
     * host (with `verify`). The records come back on the connection as `tlsaRecords`.
     */
    dane?: {
      enabled: boolean;
      verify?: boolean;
      resolveTlsa?: (name: string) => Promise<unknown[]>;
      logger?: (entry: never) => void;
    };
  }
  function mxConnect(options: MxConnectOptions): Promise<MxConnection>;
  export default mxConnect;
}
