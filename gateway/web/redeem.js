// rewardgw Redeem widget (docs/cabinet.md): a self-contained Web Component, no framework.
//   <script src="https://gateway.example/widget/v1/redeem.js" defer></script>
//   <rewardgw-redeem gateway="https://gateway.example" token="rgwm_..." locale="ru"></rewardgw-redeem>
// The token is a member token the program's server minted (POST /v1/accounts/{id}/sessions); it is the only
// credential the widget ever holds. Theme it with CSS custom properties (--rgw-accent and the others below).
(() => {
  'use strict';
  if (customElements.get('rewardgw-redeem')) return;

  const TEXTS = {
    en: {
      title: 'Redeem your points', balance: 'Your balance', expiring: '{points} expire on {date}',
      catalog: 'Rewards', choose: 'Choose an amount', other_amount: 'Another amount ({min}–{max})', get_price: 'Get price',
      quote: '{face} for {points}', held: 'Price held for {time}', new_price: 'The price was updated: {points}.',
      not_enough: 'Not enough points for this reward.', redeem: 'Redeem', sending: 'Sending your order…', retry: 'Try again',
      another: 'Redeem another reward', reveal: 'Reveal code', copy: 'Copy', copied: 'Copied', code: 'Code', pin: 'PIN',
      card_number: 'Card number', link: 'Link', valid_until: 'Valid until {date}', loading: 'Loading…',
      points: {one: 'point', other: 'points'},
      status: {
        accepted: 'Order received', dispatching: 'Issuing your reward…', retrying: 'The provider is busy: we keep trying',
        unknown: 'Checking with the provider…', issued: 'Your reward is ready', failed: 'The reward could not be issued. Your points were returned.',
      },
      error: {
        insufficient_points: 'You do not have enough points for this reward.',
        quote_expired: 'The price expired. Here is the new price: press Redeem again.',
        fx_unavailable: 'Exchange rates are unavailable right now. Please try again in a few minutes.',
        product_unavailable: 'This reward is not available at the moment. Please choose another one.',
        rate_limited: 'Too many attempts. Please wait {seconds} s and try again.',
        denomination_invalid: 'This amount is not available for this reward.',
        account_blocked: 'Your account may not redeem points. Please contact support.',
        unauthorized: 'Your session has ended. Please reload the page.',
        network: 'The connection was lost. Trying again is safe: you will not be charged twice.',
        generic: 'Something went wrong. Please try again.',
      },
    },
    ru: {
      title: 'Обменяйте баллы', balance: 'Ваш баланс', expiring: '{points} сгорят {date}',
      catalog: 'Награды', choose: 'Выберите номинал', other_amount: 'Другая сумма ({min}–{max})', get_price: 'Узнать цену',
      quote: '{face} за {points}', held: 'Цена действует ещё {time}', new_price: 'Цена обновлена: {points}.',
      not_enough: 'Недостаточно баллов для этой награды.', redeem: 'Обменять', sending: 'Отправляем заказ…', retry: 'Повторить',
      another: 'Выбрать другую награду', reveal: 'Показать код', copy: 'Копировать', copied: 'Скопировано', code: 'Код', pin: 'PIN',
      card_number: 'Номер карты', link: 'Ссылка', valid_until: 'Действует до {date}', loading: 'Загрузка…',
      points: {one: 'балл', few: 'балла', many: 'баллов', other: 'балла'},
      status: {
        accepted: 'Заказ принят', dispatching: 'Выпускаем награду…', retrying: 'Поставщик занят: продолжаем попытки',
        unknown: 'Уточняем у поставщика…', issued: 'Награда готова', failed: 'Не удалось выпустить награду. Баллы возвращены.',
      },
      error: {
        insufficient_points: 'Недостаточно баллов для этой награды.',
        quote_expired: 'Цена устарела. Вот новая цена: нажмите «Обменять» ещё раз.',
        fx_unavailable: 'Курсы валют сейчас недоступны. Попробуйте через несколько минут.',
        product_unavailable: 'Эта награда сейчас недоступна. Выберите другую.',
        rate_limited: 'Слишком много попыток. Подождите {seconds} с и попробуйте снова.',
        denomination_invalid: 'Такого номинала у этой награды нет.',
        account_blocked: 'Для вашего счёта обмен баллов недоступен. Обратитесь в поддержку.',
        unauthorized: 'Сеанс завершён. Обновите страницу.',
        network: 'Связь прервалась. Повторить безопасно: баллы не спишутся дважды.',
        generic: 'Что-то пошло не так. Попробуйте ещё раз.',
      },
    },
    ms: {
      title: 'Tebus mata anda', balance: 'Baki anda', expiring: '{points} tamat tempoh pada {date}',
      catalog: 'Ganjaran', choose: 'Pilih jumlah', other_amount: 'Jumlah lain ({min}–{max})', get_price: 'Dapatkan harga',
      quote: '{face} untuk {points}', held: 'Harga dikekalkan selama {time}', new_price: 'Harga telah dikemas kini: {points}.',
      not_enough: 'Mata tidak mencukupi untuk ganjaran ini.', redeem: 'Tebus', sending: 'Menghantar pesanan anda…', retry: 'Cuba lagi',
      another: 'Tebus ganjaran lain', reveal: 'Tunjuk kod', copy: 'Salin', copied: 'Disalin', code: 'Kod', pin: 'PIN',
      card_number: 'Nombor kad', link: 'Pautan', valid_until: 'Sah sehingga {date}', loading: 'Memuatkan…',
      points: {other: 'mata'},
      status: {
        accepted: 'Pesanan diterima', dispatching: 'Mengeluarkan ganjaran anda…', retrying: 'Pembekal sibuk: kami terus mencuba',
        unknown: 'Menyemak dengan pembekal…', issued: 'Ganjaran anda sedia', failed: 'Ganjaran tidak dapat dikeluarkan. Mata anda telah dikembalikan.',
      },
      error: {
        insufficient_points: 'Mata anda tidak mencukupi untuk ganjaran ini.',
        quote_expired: 'Harga telah tamat tempoh. Ini harga baharu: tekan Tebus sekali lagi.',
        fx_unavailable: 'Kadar pertukaran tidak tersedia sekarang. Sila cuba lagi dalam beberapa minit.',
        product_unavailable: 'Ganjaran ini tidak tersedia buat masa ini. Sila pilih yang lain.',
        rate_limited: 'Terlalu banyak percubaan. Sila tunggu {seconds} s dan cuba lagi.',
        denomination_invalid: 'Jumlah ini tidak tersedia untuk ganjaran ini.',
        account_blocked: 'Akaun anda tidak boleh menebus mata. Sila hubungi sokongan.',
        unauthorized: 'Sesi anda telah tamat. Sila muat semula halaman.',
        network: 'Sambungan terputus. Cuba lagi dengan selamat: anda tidak akan dicaj dua kali.',
        generic: 'Sesuatu tidak kena. Sila cuba lagi.',
      },
    },
  };
  const FINAL = new Set(['issued', 'failed']);
  // Answers after which the same request, with the same Idempotency-Key, may simply be sent again.
  const RETRYABLE = new Set(['network', 'rate_limited', 'fx_unavailable', 'unavailable', 'idempotency_in_progress', 'internal']);

  const STYLE = `
    :host { display: block; font: var(--rgw-font, 15px/1.45 system-ui, sans-serif); color: var(--rgw-fg, #1d2433);
            --accent: var(--rgw-accent, #1f5eff); --radius: var(--rgw-radius, 10px); --muted: var(--rgw-muted, #5b6578);
            --surface: var(--rgw-surface, #ffffff); --line: var(--rgw-line, #dde2ea); --danger: var(--rgw-danger, #b42318); }
    * { box-sizing: border-box; }
    section { background: var(--surface); border: 1px solid var(--line); border-radius: var(--radius); padding: 16px; margin: 0 0 12px; }
    h2 { font-size: 1.15em; margin: 0 0 8px; } h3 { font-size: 1em; margin: 0 0 4px; }
    .balance { font-size: 1.6em; font-weight: 600; } .muted { color: var(--muted); font-size: .9em; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; }
    .card { border: 1px solid var(--line); border-radius: var(--radius); padding: 12px; }
    fieldset { border: 0; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 6px; } legend { padding: 0; font-size: .9em; color: var(--muted); }
    button, .chip { font: inherit; border-radius: calc(var(--radius) * .7); border: 1px solid var(--line); background: var(--surface);
                    padding: 8px 12px; cursor: pointer; min-height: 40px; }
    .chip[aria-pressed="true"] { border-color: var(--accent); box-shadow: inset 0 0 0 1px var(--accent); }
    button.primary { background: var(--accent); border-color: var(--accent); color: var(--rgw-on-accent, #fff); font-weight: 600; }
    button:disabled { opacity: .55; cursor: not-allowed; }
    button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
    input { font: inherit; padding: 8px; border: 1px solid var(--line); border-radius: calc(var(--radius) * .7); width: 9em; min-height: 40px; }
    .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 8px; }
    .price { font-size: 1.25em; font-weight: 600; } .error { color: var(--danger); } .secret { font-family: ui-monospace, monospace; font-size: 1.1em; }
    .status { font-weight: 600; } [hidden] { display: none !important; }
    .card[data-unavailable] { opacity: .6; }
  `;

  // The account a member token is bound to: the token's signed text (ours: "v1\nprogram\naccount\nkey\nexpiry").
  function tokenClaims(token) {
    try {
      const body = token.slice('rgwm_'.length, token.indexOf('.'));
      const text = atob(body.replace(/-/g, '+').replace(/_/g, '/'));
      const [version, program, account, key, expires] = text.split('\n');
      return version === 'v1' ? {program, account, key, expires: Number(expires)} : null;
    } catch (e) {
      return null;
    }
  }

  class ApiError extends Error {
    constructor(status, code, detail, retryAfter) {
      super(detail || code);
      this.status = status;
      this.code = code || (status >= 500 ? 'unavailable' : 'generic');
      this.retryAfter = retryAfter;
    }
  }

  // The refusal in a problem answer (RFC 9457), as the widget handles it.
  async function refusalOf(res) {
    let data = null;
    try { data = await res.json(); } catch (e) { /* not JSON */ }
    return new ApiError(res.status, data && data.code, data && data.detail, Number(res.headers.get('Retry-After')) || 0);
  }

  class RewardgwRedeem extends HTMLElement {
    static get observedAttributes() { return ['token', 'locale', 'gateway']; }

    constructor() {
      super();
      this.attachShadow({mode: 'open'});
      this.timers = new Set();
    }

    connectedCallback() { this.start(); }
    disconnectedCallback() { this.stop(); }
    attributeChangedCallback() { if (this.isConnected && this.started) this.start(); }

    // ---- plumbing -------------------------------------------------------------------------------------------
    get lang() {
      const wanted = (this.getAttribute('locale') || document.documentElement.lang || 'en').toLowerCase();
      return TEXTS[wanted] ? wanted : TEXTS[wanted.split('-')[0]] ? wanted.split('-')[0] : 'en';
    }
    t(path, values = {}) {
      let text = path.split('.').reduce((o, k) => (o ? o[k] : undefined), TEXTS[this.lang]);
      if (text === undefined) text = path.split('.').reduce((o, k) => (o ? o[k] : undefined), TEXTS.en);
      return String(text).replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');
    }
    points(n) {
      const forms = TEXTS[this.lang].points;
      const form = forms[new Intl.PluralRules(this.lang).select(n)] || forms.other;
      return `${new Intl.NumberFormat(this.lang).format(n)} ${form}`;
    }
    // Money strings stay strings: Intl formats the exact decimal.
    money(m) { return new Intl.NumberFormat(this.lang, {style: 'currency', currency: m.currency}).format(m.amount); }
    date(iso) { return new Intl.DateTimeFormat(this.lang, {dateStyle: 'long'}).format(new Date(iso)); }
    later(fn, ms) {
      const id = setTimeout(() => { this.timers.delete(id); fn(); }, ms);
      this.timers.add(id);
    }
    storageKey(what) { return `rewardgw:${what}:${this.claims.account}`; }
    remember(what, value) {
      try { value === null ? sessionStorage.removeItem(this.storageKey(what)) : sessionStorage.setItem(this.storageKey(what), JSON.stringify(value)); } catch (e) { /* storage off: memory only */ }
      this.memory[what] = value;
    }
    recall(what) {
      try { const v = sessionStorage.getItem(this.storageKey(what)); if (v) return JSON.parse(v); } catch (e) { /* storage off */ }
      return this.memory[what] ?? null;
    }

    async api(method, path, {body, key, signal} = {}) {
      const headers = {Authorization: `Bearer ${this.getAttribute('token')}`};
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      if (key) headers['Idempotency-Key'] = key;
      let res;
      try {
        res = await fetch(this.gateway + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal});
      } catch (e) {
        if (e.name === 'AbortError') throw e;
        throw new ApiError(0, 'network');
      }
      if (!res.ok) throw await refusalOf(res);
      if (res.status === 204) return null;
      try {
        return await res.json();
      } catch (e) {
        throw new ApiError(0, 'network');  // cut off mid-answer: as if no answer came (a resend is safe)
      }
    }

    // ---- lifecycle -------------------------------------------------------------------------------------------
    stop() {
      for (const id of this.timers) clearTimeout(id);
      this.timers.clear();
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = null;
      if (this.streamAbort) this.streamAbort.abort();
      this.streamAbort = null;
    }

    start() {
      this.stop();
      this.started = true;
      this.gateway = (this.getAttribute('gateway') || '').replace(/\/$/, '');
      this.claims = tokenClaims(this.getAttribute('token') || '');
      this.memory = {};
      this.shadowRoot.innerHTML = `<style>${STYLE}</style>
        <div lang="${this.lang}">
          <section aria-labelledby="rgw-title">
            <h2 id="rgw-title"></h2>
            <div class="muted" id="rgw-balance-label"></div>
            <div class="balance" id="rgw-balance" aria-describedby="rgw-balance-label"></div>
            <div class="muted" id="rgw-expiring"></div>
          </section>
          <section id="rgw-catalog" aria-labelledby="rgw-catalog-title"><h2 id="rgw-catalog-title"></h2><div class="grid" id="rgw-items"></div></section>
          <section id="rgw-checkout" hidden aria-labelledby="rgw-choice">
            <h3 id="rgw-choice"></h3>
            <div class="price" id="rgw-price"></div>
            <div class="muted" id="rgw-countdown"></div>
            <div class="row"><button class="primary" id="rgw-redeem" type="button"></button><button id="rgw-retry" type="button" hidden></button></div>
          </section>
          <section id="rgw-order" hidden aria-labelledby="rgw-status">
            <div class="status" id="rgw-status"></div>
            <div id="rgw-reward" hidden>
              <div class="secret" id="rgw-code"></div>
              <div class="muted" id="rgw-valid"></div>
              <div class="row"><button id="rgw-reveal" type="button"></button><button id="rgw-copy" type="button" hidden></button></div>
            </div>
            <div class="row"><button id="rgw-another" type="button" hidden></button></div>
          </section>
          <p role="status" aria-live="polite" id="rgw-live"></p>
          <p role="alert" class="error" id="rgw-error"></p>
        </div>`;
      const $ = (id) => this.shadowRoot.getElementById(id);
      this.$ = $;
      $('rgw-title').textContent = this.t('title');
      $('rgw-balance-label').textContent = this.t('balance');
      $('rgw-catalog-title').textContent = this.t('catalog');
      $('rgw-redeem').textContent = this.t('redeem');
      $('rgw-retry').textContent = this.t('retry');
      $('rgw-reveal').textContent = this.t('reveal');
      $('rgw-copy').textContent = this.t('copy');
      $('rgw-another').textContent = this.t('another');
      $('rgw-live').textContent = this.t('loading');
      $('rgw-redeem').addEventListener('click', () => this.redeem());
      $('rgw-retry').addEventListener('click', () => this.send());
      $('rgw-reveal').addEventListener('click', () => this.reveal());
      $('rgw-copy').addEventListener('click', () => this.copy());
      $('rgw-another').addEventListener('click', () => this.reset());
      if (!this.claims) return this.fail(new ApiError(401, 'unauthorized'));
      this.load();
    }

    async load() {
      try {
        const [account, catalog] = await Promise.all([
          this.api('GET', `/v1/accounts/${encodeURIComponent(this.claims.account)}`),
          this.api('GET', `/v1/catalog?locale=${encodeURIComponent(this.lang)}`),
        ]);
        this.showAccount(account);
        this.showCatalog(catalog.items);
        this.$('rgw-live').textContent = '';
      } catch (e) {
        return this.fail(e);
      }
      // A request under way when the page was left is sent again with its key; an order under way is followed.
      const intent = this.recall('intent');
      const order = this.recall('order');
      if (intent) this.send();
      else if (order) this.follow(order);
    }

    async refreshAccount() {
      try { this.showAccount(await this.api('GET', `/v1/accounts/${encodeURIComponent(this.claims.account)}`)); } catch (e) { /* shown next time */ }
    }

    showAccount(account) {
      this.account = account;
      this.$('rgw-balance').textContent = this.points(account.balance);
      const soonest = (account.expiring || [])[0];
      this.$('rgw-expiring').textContent = soonest ? this.t('expiring', {points: this.points(soonest.points), date: this.date(soonest.expires_at)}) : '';
    }

    // ---- catalog and quotes ----------------------------------------------------------------------------------
    showCatalog(items) {
      const grid = this.$('rgw-items');
      grid.textContent = '';
      for (const item of items) {
        const card = document.createElement('div');
        card.className = 'card';
        card.dataset.sku = item.sku;
        const name = document.createElement('h3');
        name.textContent = item.name;
        const about = document.createElement('div');
        about.className = 'muted';
        about.textContent = item.description || item.brand;
        const choices = document.createElement('fieldset');
        const legend = document.createElement('legend');
        legend.textContent = this.t('choose');
        choices.append(legend);
        // No provider would take it now (the gateway says why in unavailable_reason, for operators): shown, not offered.
        const offered = item.available !== false;
        choices.disabled = !offered;
        if (!offered) {
          card.dataset.unavailable = 'true';
          about.textContent = this.t('error.product_unavailable');
        }
        for (const price of item.prices) {
          const chip = document.createElement('button');
          chip.type = 'button';
          chip.className = 'chip';
          chip.setAttribute('aria-pressed', 'false');
          chip.dataset.amount = price.face_value.amount;
          chip.textContent = `${this.money(price.face_value)} · ${this.points(price.points)}`;
          chip.addEventListener('click', () => this.choose(item, price.face_value, chip));
          choices.append(chip);
        }
        card.append(name, about, choices);
        const range = item.denominations && item.denominations.min !== undefined ? item.denominations : null;
        if (range && offered) card.append(this.amountInput(item, range));
        grid.append(card);
      }
    }

    amountInput(item, range) {
      const row = document.createElement('div');
      row.className = 'row';
      const id = `rgw-amount-${item.sku}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.className = 'muted';
      const bound = (a) => this.money({amount: a, currency: item.face_currency});
      label.textContent = this.t('other_amount', {min: bound(range.min), max: bound(range.max)});
      const input = document.createElement('input');
      Object.assign(input, {id, type: 'number', inputMode: 'decimal', min: range.min, max: range.max, step: range.step || '0.01'});
      const go = document.createElement('button');
      go.type = 'button';
      go.textContent = this.t('get_price');
      const submit = () => {
        if (!input.value || !input.checkValidity()) return this.showError('denomination_invalid');
        const digits = (range.min.split('.')[1] || '').length;
        this.choose(item, {amount: Number(input.value).toFixed(digits), currency: item.face_currency}, null);
      };
      go.addEventListener('click', submit);
      input.addEventListener('keydown', (e) => { if (e.key === 'Enter') submit(); });
      row.append(label, input, go);
      return row;
    }

    choose(item, face, chip) {
      if (this.busy) return;
      for (const other of this.shadowRoot.querySelectorAll('.chip')) other.setAttribute('aria-pressed', String(other === chip));
      this.choice = {item, face};
      this.$('rgw-checkout').hidden = false;
      this.$('rgw-choice').textContent = `${item.name} · ${this.money(face)}`;
      this.$('rgw-checkout').scrollIntoView({block: 'nearest', behavior: 'smooth'});
      this.quote(false);
    }

    // A new quote for the choice; `replacing` an expired one keeps the message that says why the price changed.
    async quote(replacing) {
      const choice = this.choice;
      if (!replacing) this.showError(null);
      this.$('rgw-redeem').disabled = true;
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = null;
      let quote;
      try {
        quote = await this.api('POST', '/v1/quotes', {body: {account_id: this.claims.account, sku: choice.item.sku, face_value: choice.face}});
      } catch (e) {
        return this.fail(e);
      }
      if (choice !== this.choice) return;  // the member chose something else meanwhile
      this.currentQuote = quote;
      this.$('rgw-price').textContent = this.t('quote', {face: this.money(quote.face_value), points: this.points(quote.points)});
      this.$('rgw-price').dataset.points = quote.points;
      this.$('rgw-price').dataset.quote = quote.id;
      if (replacing) this.$('rgw-live').textContent = this.t('new_price', {points: this.points(quote.points)});
      if (!quote.affordable) this.showError('not_enough_points');
      this.$('rgw-redeem').disabled = !quote.affordable || this.busy;
      this.tick();
      this.ticker = setInterval(() => this.tick(), 1000);
    }

    // The countdown; at zero a fresh quote replaces the old one (its price is what the button then charges).
    tick() {
      const quote = this.currentQuote;
      if (!quote || this.busy) return;
      const left = Math.max(0, Math.ceil((new Date(quote.expires_at) - Date.now()) / 1000));
      const time = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
      this.$('rgw-countdown').textContent = this.t('held', {time});
      if (left === 0) {
        this.currentQuote = null;
        this.quote(true);
      }
    }

    // ---- redeeming -------------------------------------------------------------------------------------------
    // One intent, one Idempotency-Key: every retry of it (a second click, after a network error, after a reload)
    // sends the same key and body, so the gateway answers with the one order it made.
    redeem() {
      if (this.busy || !this.currentQuote) return;
      const quote = this.currentQuote;
      this.remember('intent', {
        key: crypto.randomUUID(),
        body: {account_id: this.claims.account, sku: quote.sku, face_value: quote.face_value, quote_id: quote.id},
      });
      this.send();
    }

    async send() {
      const intent = this.recall('intent');
      if (!intent || this.sending) return;
      this.sending = this.busy = true;
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = null;
      this.$('rgw-redeem').disabled = true;
      this.$('rgw-retry').hidden = true;
      this.$('rgw-countdown').textContent = '';
      this.showError(null);
      this.$('rgw-live').textContent = this.t('sending');
      try {
        const order = await this.api('POST', '/v1/redemptions', {body: intent.body, key: intent.key});
        this.remember('intent', null);
        this.remember('order', order.id);
        this.follow(order.id, order);
      } catch (e) {
        this.sending = false;
        if (e.code === 'idempotency_in_progress') return this.later(() => this.send(), 1000);
        if (RETRYABLE.has(e.code) || e.status >= 500) {
          this.$('rgw-retry').hidden = false;  // the intent stays: the retry sends the same key
          this.$('rgw-live').textContent = '';
          return this.fail(e);
        }
        this.remember('intent', null);
        this.busy = false;
        this.$('rgw-live').textContent = '';
        this.fail(e);
        if (e.code === 'quote_expired' && this.choice) this.quote(true);
        else this.$('rgw-redeem').disabled = !(this.currentQuote && this.currentQuote.affordable);
      }
    }

    // ---- following an order ----------------------------------------------------------------------------------
    follow(id, first) {
      this.busy = true;
      this.orderId = id;
      this.lastEventId = null;
      this.$('rgw-catalog').hidden = true;
      this.$('rgw-checkout').hidden = true;
      this.$('rgw-order').hidden = false;
      if (first) this.showOrder(first);
      this.stream(id, 0);
    }

    // The event stream through fetch (EventSource cannot send Authorization); a dropped stream reconnects with
    // Last-Event-ID and misses nothing.
    async stream(id, failures) {
      const abort = new AbortController();
      this.streamAbort = abort;
      const headers = {Authorization: `Bearer ${this.getAttribute('token')}`, Accept: 'text/event-stream'};
      if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
      let final = false;
      try {
        const res = await fetch(`${this.gateway}/v1/redemptions/${encodeURIComponent(id)}/events`, {headers, signal: abort.signal});
        if (!res.ok) throw await refusalOf(res);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const {value, done} = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = {};
            for (const line of block.split('\n')) {
              const colon = line.indexOf(':');
              if (colon <= 0) continue;  // a comment (heartbeat) or nothing
              event[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
            }
            if (event.event !== 'status' || !event.data) continue;
            this.lastEventId = event.id;
            const order = JSON.parse(event.data);
            this.showOrder(order);
            final = FINAL.has(order.status);
          }
        }
      } catch (e) {
        if (e.name === 'AbortError' || abort.signal.aborted) return;
        if (e.code === 'unauthorized' || e.status === 404) return this.fail(e);
      }
      if (final || abort.signal.aborted || this.streamAbort !== abort) return;
      this.later(() => this.stream(id, failures + 1), Math.min(1000 * 2 ** failures, 15000));
    }

    showOrder(order) {
      const status = this.$('rgw-status');
      status.textContent = this.t(`status.${order.status}`);
      status.dataset.status = order.status;
      this.$('rgw-live').textContent = this.t(`status.${order.status}`);
      if (!FINAL.has(order.status)) return;
      this.remember('order', null);
      this.busy = this.sending = false;
      this.$('rgw-another').hidden = false;
      this.refreshAccount();
      if (order.status !== 'issued') return;
      this.$('rgw-reward').hidden = false;
      this.$('rgw-code').textContent = `${this.t('code')}: ${order.reward && order.reward.code}`;
      this.$('rgw-valid').textContent = order.reward && order.reward.expires_on ? this.t('valid_until', {date: this.date(order.reward.expires_on)}) : '';
    }

    async reveal() {
      try {
        const reward = await this.api('POST', `/v1/redemptions/${encodeURIComponent(this.orderId)}/reveal`);
        this.revealed = reward;
        const lines = [[this.t('code'), reward.code], [this.t('pin'), reward.pin], [this.t('card_number'), reward.card_number], [this.t('link'), reward.url]];
        const code = this.$('rgw-code');
        code.textContent = '';
        for (const [label, value] of lines) {
          if (!value) continue;
          const line = document.createElement('div');
          line.textContent = `${label}: ${value}`;
          code.append(line);
        }
        code.dataset.code = reward.code;
        this.$('rgw-reveal').hidden = true;
        this.$('rgw-copy').hidden = false;
        this.$('rgw-copy').focus();
      } catch (e) {
        this.fail(e);
      }
    }

    async copy() {
      try {
        await navigator.clipboard.writeText(this.revealed.code);
      } catch (e) {
        const range = document.createRange();  // no clipboard permission: select the code for the member to copy
        range.selectNodeContents(this.$('rgw-code'));
        const selection = this.shadowRoot.getSelection ? this.shadowRoot.getSelection() : document.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
      this.$('rgw-copy').textContent = this.t('copied');
      this.$('rgw-live').textContent = this.t('copied');
    }

    reset() {
      this.stop();
      this.busy = this.sending = false;
      this.revealed = null;
      this.currentQuote = null;
      this.choice = null;
      for (const id of ['rgw-order', 'rgw-reward', 'rgw-copy', 'rgw-another', 'rgw-checkout']) this.$(id).hidden = true;
      for (const id of ['rgw-catalog', 'rgw-reveal']) this.$(id).hidden = false;
      this.$('rgw-copy').textContent = this.t('copy');
      for (const chip of this.shadowRoot.querySelectorAll('.chip')) chip.setAttribute('aria-pressed', 'false');
      this.$('rgw-live').textContent = '';
    }

    // ---- errors ----------------------------------------------------------------------------------------------
    showError(code, values) {
      const box = this.$('rgw-error');
      box.dataset.code = code || '';
      if (!code) return void (box.textContent = '');
      box.textContent = code === 'not_enough_points' ? this.t('not_enough') : this.t(`error.${TEXTS.en.error[code] ? code : 'generic'}`, values);
    }

    fail(e) {
      if (e.name === 'AbortError') return;
      const code = e.code === 'unavailable' || e.code === 'internal' ? 'generic' : e.code;
      this.showError(code, {seconds: e.retryAfter || 1});
    }
  }

  customElements.define('rewardgw-redeem', RewardgwRedeem);
})();
