/**
 * The base subject of RFC 5256 §2.1, used by SORT SUBJECT and both THREAD
 * algorithms: reply and forward markers (`Re:`, `Fw:`, `Fwd:`, `[tag]` blobs, a
 * `(fwd)` trailer, a `[fwd: ...]` wrapper) removed, white space collapsed. Also
 * whether anything removed marked the message as a reply or forward (RFC 5256 §3,
 * REFERENCES step 5 prefers a non-reply as the subject's thread root). Pure.
 */

export interface BaseSubject {
  /** The base subject, encoded-words already decoded by the caller. */
  base: string;
  /** A `Re:`/`Fw:`/`Fwd:` leader, a `(fwd)` trailer or a `[fwd: ]` wrapper was removed. */
  reply: boolean;
}

/** subj-leader (§5 ABNF): `*subj-blob subj-refwd`; subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":". */
const LEADER = /^(?:\[[^[\]]*\][ \t]*)*(?:re|fwd?)[ \t]*(?:\[[^[\]]*\][ \t]*)?:/i;
/** subj-blob = "[" *BLOBCHAR "]" *WSP */
const BLOB = /^\[[^[\]]*\][ \t]*/;
const TRAILER = /(?:[ \t]|\(fwd\))$/i;

/** RFC 5256 §2.1 steps (2) to (6) on an already decoded subject (step (1) is the caller's decoding). */
export function baseSubject(decoded: string): BaseSubject {
  // (1) tabs and continuations to a space, runs of spaces to one
  let s = decoded.replace(/\r?\n/g, '').replace(/[\t\r\n]/g, ' ').replace(/ {2,}/g, ' ');
  let reply = false;
  for (;;) {
    // (2) trailing subj-trailer: "(fwd)" / WSP
    for (let m = TRAILER.exec(s); m; m = TRAILER.exec(s)) {
      if (m[0].length > 1) reply = true;
      s = s.slice(0, s.length - m[0].length);
    }
    // (3)-(5) leaders and blobs, repeated until neither matches
    for (;;) {
      if (s.startsWith(' ') || s.startsWith('\t')) {
        s = s.replace(/^[ \t]+/, '');
        continue;
      }
      const lead = LEADER.exec(s);
      if (lead) {
        reply = true;
        s = s.slice(lead[0].length);
        continue;
      }
      const blob = BLOB.exec(s);
      // (4) a blob goes only when something (the subj-base) is left after it
      if (blob && blob[0].length < s.length) {
        s = s.slice(blob[0].length);
        continue;
      }
      break;
    }
    // (6) "[fwd:" ... "]" around the whole: unwrap and start again at (2)
    if (s.length >= 6 && s.slice(0, 5).toLowerCase() === '[fwd:' && s.endsWith(']')) {
      reply = true;
      s = s.slice(5, -1);
      continue;
    }
    return { base: s, reply };
  }
}
