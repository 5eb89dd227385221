// What the browser tests stand on: a database of their own, the provider simulator (rates and the Tango API over
// plain HTTP on loopback), two gateway processes — one serving the demo cabinet without dispatching, one
// dispatching — a seeded program, and Debian's Chromium driven by playwright-core. Nothing here skips: if a
// piece cannot start, the test fails saying which.
import {execFileSync, spawn} from 'node:child_process';
import {randomBytes, randomUUID} from 'node:crypto';
import {mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (scripts/test and ctest set it)`);
  return value;
};

const sourceDir = env('RGW_SOURCE_DIR');
const require = createRequire(join(sourceDir, 'scripts/npm/package.json'));
const {chromium} = require('playwright-core');

export const artifacts = env('RGW_ARTIFACTS');
mkdirSync(artifacts, {recursive: true});

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(what, probe, seconds = 20) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    try {
      if (await probe()) return;
    } catch (e) { /* not up yet */ }
    if (Date.now() > until) throw new Error(`${what} did not come up within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function startProcess(name, binary, args, extraEnv, dir) {
  const log = openSync(join(dir, `${name}.log`), 'w');
  const child = spawn(binary, args, {env: {...process.env, ...extraEnv}, stdio: ['ignore', log, log]});
  child.on('exit', (code, signal) => { child.exited = {code, signal}; });
  return child;
}

// A gateway behind `base` (e.g. "http://127.0.0.1:8080"), spoken to with keys.
export class Api {
  constructor(base) { this.base = base; }
  async call(method, path, key, body, headers = {}) {
    const res = await fetch(this.base + path, {
      method,
      headers: {Authorization: `Bearer ${key}`, ...(body === undefined ? {} : {'Content-Type': 'application/json'}), ...headers},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
    return {status: res.status, json, text, headers: res.headers};
  }
  async ok(method, path, key, body, headers) {
    const r = await this.call(method, path, key, body, headers);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
    return r.json;
  }
}

const names = (en, ru, ms) => ({en, ru, ms});
export const products = {
  'AMZ-DE-EUR': {
    type: 'egift_card', brand: 'Amazon', name: names('Amazon.de gift card', 'Подарочная карта Amazon.de', 'Kad hadiah Amazon.de'),
    countries: ['DE'], face_currency: 'EUR', denominations: {fixed: ['10.00', '25.00']},
    routes: [{provider: 'tango', provider_sku: 'U561593'}],
  },
  'OZON-RU-RUB': {
    type: 'egift_card', brand: 'Ozon', name: names('Ozon gift certificate', 'Подарочный сертификат Ozon', 'Sijil hadiah Ozon'),
    countries: ['RU'], face_currency: 'RUB', denominations: {min: '500.00', max: '15000.00', step: '100.00'},
    routes: [{provider: 'tango', provider_sku: 'U-OZON'}],
  },
};

export class World {
  async start() {
    this.dir = mkdtempSync(join(tmpdir(), 'rgw-browser-'));
    this.children = [];
    // The database: a fresh one beside the test server's, dropped at the end.
    const base = new URL(env('REWARDGW_TEST_DATABASE_URL'));
    this.dbName = `rgw_browser_${randomBytes(4).toString('hex')}`;
    execFileSync('psql', [base.toString(), '-qc', `CREATE DATABASE ${this.dbName}`]);
    this.adminUrl = base.toString();
    const url = new URL(base);
    url.pathname = `/${this.dbName}`;
    this.databaseUrl = url.toString();

    // The simulator: rates re-dated to today and the Tango API, a little slow so each status shows on screen.
    this.simPort = await freePort();
    this.sim = `http://127.0.0.1:${this.simPort}`;
    this.children.push(startProcess('sim', env('RGW_SIM_BINARY'), ['--data', join(sourceDir, 'tests/data'), '--listen', `127.0.0.1:${this.simPort}`, '--redate-today'], {}, this.dir));
    await waitFor('the simulator', async () => (await fetch(`${this.sim}/admin/stats`)).ok);
    await fetch(`${this.sim}/admin/tango`, {method: 'POST', body: JSON.stringify({latency_ms: {p50: 400, p99: 400}})});

    writeFileSync(join(this.dir, 'providers.json'), JSON.stringify({tango: {kind: 'tango', base_url: `${this.sim}/raas/v2`, account: 'rewardgw-eur', customer: 'rewardgw', timeout_ms: 5000}}));
    this.bootstrap = `bootstrap-${randomUUID()}`;
    const common = {
      REWARDGW_DATABASE_URL: this.databaseUrl,
      REWARDGW_BOOTSTRAP_KEY: this.bootstrap,
      REWARDGW_SECRETS_KEYS: `browser:${randomBytes(32).toString('base64')}`,
      REWARDGW_PROVIDERS_FILE: join(this.dir, 'providers.json'),
      REWARDGW_FX_SOURCE: `${this.sim}/fx/ecb/daily.xml`,
      REWARDGW_DISPATCH_POLL_MS: '200',
    };
    // The one the browser talks to serves the demo and dispatches nothing: every status it streams was written
    // by the other process.
    this.gateway = await this.startGateway('cabinet', {...common, REWARDGW_DEMO: '1', REWARDGW_DISPATCH_CONCURRENCY: '0'});
    this.dispatcher = await this.startGateway('dispatcher', {...common});
    this.api = new Api(this.gateway);

    // A page origin the program lists, and one it does not (for the CORS tests).
    this.listed = await this.pageServer();
    this.unlisted = await this.pageServer();
    await this.seed();

    const args = process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [];
    try {
      this.browser = await chromium.launch({executablePath: '/usr/bin/chromium', args});
    } catch (e) {
      throw new Error(`Chromium did not start (Debian's /usr/bin/chromium, installed by scripts/setup-deps): ${e.message}`);
    }
    return this;
  }

  async startGateway(name, extra) {
    const port = await freePort();
    const child = startProcess(name, env('RGW_GATEWAY_BINARY'), [], {...extra, REWARDGW_LISTEN: `127.0.0.1:${port}`}, this.dir);
    this.children.push(child);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`gateway ${name} (log: ${join(this.dir, name + '.log')})`, async () => {
      if (child.exited) throw new Error('exited');
      return (await fetch(`${base}/readyz`)).ok;
    });
    return base;
  }

  async pageServer() {
    const server = createServer((req, res) => {
      res.writeHead(200, {'Content-Type': 'text/html; charset=utf-8'});
      res.end('<!doctype html><title>another site</title><p>page</p>');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    (this.servers ||= []).push(server);
    return `http://127.0.0.1:${server.address().port}`;
  }

  async seed() {
    const api = this.api;
    this.program = await api.ok('POST', '/v1/programs', this.bootstrap, {
      name: 'Northwind Rewards', base_currency: 'EUR', point_value: {amount: '0.01', currency: 'EUR'}, timezone: 'Europe/Moscow',
      default_locale: 'ru', points_validity: 'P12M', cors_origins: [this.gateway, this.listed],
    });
    const key = async (role) => api.ok('POST', `/v1/programs/${this.program.id}/api-keys`, this.bootstrap, {role});
    this.admin = (await key('admin')).key;
    this.cabinetKey = await key('cabinet');
    this.cabinet = this.cabinetKey.key;
    for (const [sku, doc] of Object.entries(products)) await api.ok('PUT', `/v1/catalog/${sku}`, this.admin, doc);
  }

  // A fresh account with `points`, so each test counts its own orders and points.
  async account(points = 50000, name = 'ООО «Ромашка»') {
    const account = await this.api.ok('POST', '/v1/accounts', this.admin, {external_ref: `crm-${randomUUID()}`, name});
    if (points) await this.api.ok('POST', `/v1/accounts/${account.id}/credits`, this.admin, {points, reason: 'welcome'}, {'Idempotency-Key': randomUUID()});
    return account.id;
  }

  async orders(accountId) {
    return (await this.api.ok('GET', `/v1/redemptions?account_id=${accountId}`, this.cabinet)).items;
  }

  // The status history the database holds for an order (what every stream must have shown).
  history(redemptionId) {
    const out = execFileSync('psql', [this.databaseUrl, '-Atc', `SELECT status FROM redemption_events WHERE redemption_id = '${redemptionId}' ORDER BY seq`]);
    return out.toString().trim().split('\n');
  }

  // What the simulator's Tango API holds for the order it created under `ref`: its list finds it, the order itself
  // carries the reward (as Tango's API does).
  async simOrder(ref) {
    const listed = (await (await fetch(`${this.sim}/raas/v2/orders?externalRefID=${encodeURIComponent(ref)}`)).json()).orders[0];
    return (await fetch(`${this.sim}/raas/v2/orders/${listed.referenceOrderID}`)).json();
  }
  async simRefs() {
    return Object.keys(await (await fetch(`${this.sim}/admin/tango/issued`)).json());
  }

  async page({width = 1280, height = 900, permissions = []} = {}) {
    const context = await this.browser.newContext({viewport: {width, height}, permissions});
    const page = await context.newPage();
    page.on('pageerror', (e) => { (page.errors ||= []).push(e.message); });
    return page;
  }

  async stop() {
    if (this.browser) await this.browser.close();
    for (const server of this.servers || []) server.close();
    for (const child of this.children.reverse()) {
      if (child.exited) continue;
      const gone = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    if (this.dbName) execFileSync('psql', [this.adminUrl, '-qc', `DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`]);
    rmSync(this.dir, {recursive: true, force: true});
  }

  log(name) { return readFileSync(join(this.dir, `${name}.log`), 'utf8'); }
}
