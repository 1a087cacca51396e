import { describe, it, expect } from 'vitest';
import { request } from 'node:http';
import { MetricsRegistry, createServerRegistry, METRIC, metrics } from '../../src/shared/metrics.js';
import { startMetricsServer } from '../../src/ops/metrics-server.js';

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('metrics registry', () => {
  it('counts by label set and renders Prometheus text', () => {
    const r = new MetricsRegistry();
    r.describe('x_total', 'counter', 'Things.\nSecond line', { labelled: true });
    r.inc('x_total', { b: '2', a: 'one' });
    r.inc('x_total', { a: 'one', b: 2 }, 2);
    r.inc('x_total', { a: 'q"uo\\te\n' });
    r.set('g', 7);
    expect(r.get('x_total', { a: 'one', b: '2' })).toBe(3);
    expect(r.get('x_total', { a: 'nothing' })).toBe(0);
    expect(r.render()).toBe(
      [
        '# TYPE g gauge',
        'g 7',
        '# HELP x_total Things.\\nSecond line',
        '# TYPE x_total counter',
        'x_total{a="one",b="2"} 3',
        'x_total{a="q\\"uo\\\\te\\n"} 1',
        '',
      ].join('\n'),
    );
  });

  it('refuses bad names, going down, and type changes', () => {
    const r = new MetricsRegistry();
    expect(() => r.inc('bad name')).toThrow(/invalid metric name/);
    expect(() => r.inc('ok_total', { 'bad-label': 'x' })).toThrow(/invalid label name/);
    expect(() => r.inc('ok_total', undefined, -1)).toThrow(/only go up/);
    r.inc('ok_total');
    expect(() => r.set('ok_total', 1)).toThrow(/is a counter/);
  });

  it('declares the server metrics so unlabelled ones show 0 from the start', () => {
    const r = createServerRegistry();
    const text = r.render();
    for (const name of Object.values(METRIC)) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toContain(`${METRIC.purgedMessages} 0\n`);
    expect(text).not.toMatch(new RegExp(`^${METRIC.logins} `, 'm'));
    const snap = r.snapshot();
    expect(snap.map((f) => f.name)).toEqual([...snap.map((f) => f.name)].sort());
  });
});

describe('metrics endpoint', () => {
  it('is off when the configured port is 0', async () => {
    const s = await startMetricsServer({ metrics: { port: 0 } });
    expect(s.port).toBeNull();
    await s.close();
  });

  it('serves /metrics on 127.0.0.1 and 404 elsewhere', async () => {
    const r = createServerRegistry();
    r.inc(METRIC.logins, { protocol: 'imap', outcome: 'ok' });
    r.inc(METRIC.messagesRefused, { via: 'smtp', reason: 'daily_limit' });
    const s = await startMetricsServer({ metrics: { port: 0 } }, { registry: r, port: 0 });
    try {
      expect(s.port).toBeGreaterThan(0);
      const res = await get(s.port!, '/metrics');
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.body).toContain('gospochta_logins_total{outcome="ok",protocol="imap"} 1\n');
      expect(res.body).toContain('gospochta_messages_refused_total{reason="daily_limit",via="smtp"} 1\n');
      expect((await get(s.port!, '/')).status).toBe(404);
    } finally {
      await s.close();
    }
  });

  it('the process-wide registry is the default one', async () => {
    const s = await startMetricsServer({ metrics: { port: 0 } }, { port: 0 });
    try {
      metrics.inc(METRIC.purgeRuns, { trigger: 'cli' });
      expect((await get(s.port!, '/metrics')).body).toMatch(/gospochta_purge_runs_total\{trigger="cli"\} \d+/);
    } finally {
      await s.close();
    }
  });
});
