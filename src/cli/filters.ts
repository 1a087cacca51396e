/**
 * `gospochta mailbox forward …` and `gospochta mailbox sieve …`: a mailbox's
 * forwarding and its Sieve filters, the same rules and audit rows as over
 * ManageSieve. A script to put is read from standard input.
 */
import type { Command } from 'commander';
import { GpError } from '../shared/errors.js';
import { setForwarding, showForward, stopForwarding, mailboxIdOf, type ForwardView } from '../filters/forwarding.js';
import { activateScript, readScript, removeScript, saveScript, scriptsOf, type ScriptOwner } from '../filters/scripts.js';
import { act, readStdinAll, withCommon, type CliSession } from './output.js';

function forwardText(v: ForwardView): string {
  if (!v.forward) return `${v.address}: no forwarding`;
  return `${v.address}: forwarded to ${v.forward.to.join(', ')}; ${v.forward.keep ? 'a copy is kept' : 'no copy is kept'}`;
}

function owner(s: CliSession, address: string): ScriptOwner {
  const a = address.trim().toLowerCase();
  return { mailboxId: mailboxIdOf(s.ctx(), a), address: a };
}

export function registerFilterCommands(mailbox: Command): void {
  withCommon(mailbox.command('forward').argument('<address>', 'mailbox address'))
    .description('forward the mailbox\'s mail to other addresses (--to A,B), or stop (--off); without options, show it')
    .option('--to <addresses>', 'comma-separated addresses to forward to')
    .option('--keep', 'keep a copy in the mailbox too (default)')
    .option('--no-keep', 'keep no copy in the mailbox')
    .option('--off', 'stop forwarding')
    .action(act(([address], s) => {
      const ctx = s.ctx();
      let v: ForwardView;
      if (s.opts.off) v = stopForwarding(ctx, address!);
      else if (typeof s.opts.to === 'string') v = setForwarding(ctx, { address: address!, to: s.opts.to.split(','), keep: s.opts.keep !== false });
      else v = showForward(ctx, address!);
      return { json: v, text: forwardText(v) };
    }));

  const sieve = mailbox.command('sieve').description('Sieve filters of a mailbox (RFC 5228)');
  withCommon(sieve.command('put').argument('<address>', 'mailbox address').argument('<name>', 'script name'))
    .description('store a script read from standard input (refused with its line and column when malformed)')
    .option('--activate', 'make it the active script')
    .action(act(async ([address, name], s) => {
      const o = owner(s, address!);
      const content = await readStdinAll(s.cfg.sieve.maxScriptBytes, () => new GpError('QUOTA_MAXSIZE', `the script is larger than ${s.cfg.sieve.maxScriptBytes} bytes`, { kind: 'refusal' }));
      saveScript(s.ctx(), o, name!, content);
      if (s.opts.activate) activateScript(s.ctx(), o, name!);
      return { json: { address: o.address, name, bytes: Buffer.byteLength(content, 'utf8'), active: Boolean(s.opts.activate) }, text: `script ${name} stored for ${o.address}${s.opts.activate ? ' and active' : ''}` };
    }));
  withCommon(sieve.command('get').argument('<address>', 'mailbox address').argument('<name>', 'script name'))
    .description('print a script')
    .action(act(([address, name], s) => {
      const r = readScript(s.ctx(), owner(s, address!), name!);
      return { json: { name: r.name, active: r.active, content: r.content }, text: r.content.replace(/\r?\n$/, '') };
    }));
  withCommon(sieve.command('list').argument('<address>', 'mailbox address'))
    .description('the mailbox\'s scripts, the active one marked')
    .action(act(([address], s) => {
      const list = scriptsOf(s.ctx(), owner(s, address!)).map((r) => ({ name: r.name, active: r.active, bytes: Buffer.byteLength(r.content, 'utf8'), updatedAt: new Date(r.updatedAt).toISOString() }));
      return { json: { scripts: list }, text: list.length ? list.map((r) => `${r.active ? '*' : ' '} ${r.name} (${r.bytes} bytes)`) : 'no scripts' };
    }));
  withCommon(sieve.command('activate').argument('<address>', 'mailbox address').argument('[name]', 'script name'))
    .description('make a script the active one; --none: no script active')
    .option('--none', 'deactivate every script')
    .action(act(([address, name], s) => {
      const n = s.opts.none ? '' : name && name !== 'undefined' ? name : '';
      if (!n && !s.opts.none) throw new GpError('INVALID_NAME', 'name the script to activate, or pass --none', { kind: 'refusal' });
      activateScript(s.ctx(), owner(s, address!), n);
      return { json: { address: address!.toLowerCase(), active: n || null }, text: n ? `script ${n} is active` : 'no script is active' };
    }));
  withCommon(sieve.command('delete').argument('<address>', 'mailbox address').argument('<name>', 'script name'))
    .description('delete a script (not the active one)')
    .action(act(([address, name], s) => {
      removeScript(s.ctx(), owner(s, address!), name!);
      return { json: { address: address!.toLowerCase(), deleted: name }, text: `script ${name} deleted` };
    }));
}
