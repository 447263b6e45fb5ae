import { describe, expect, it } from 'vitest';
import {
  COMMON_SAMPLE,
  channelsOf,
  formatMoney,
  MAX_TEMPLATE_LENGTH,
  minorToDecimal,
  NOTIFICATION_TYPES,
  notificationType,
  renderTemplate,
  TemplateError,
  validateTemplate,
} from '../src/index.js';

/** ICU separates some currencies and groups with (narrow) no-break spaces; compare with plain spaces. */
const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('minorToDecimal: minor units to an exact decimal string per currency exponent', () => {
  it.each([
    // [amount, currency, decimal]
    [1_785_258, 'NGN', '17852.58'],
    [0, 'NGN', '0.00'],
    [5, 'NGN', '0.05'],
    [-5, 'NGN', '-0.05'],
    [-1_785_258, 'NGN', '-17852.58'],
    [123_456, 'USD', '1234.56'],
    [1_785_258, 'JPY', '1785258'],
    [0, 'JPY', '0'],
    [1_785_258, 'XOF', '1785258'],
    [1_234_567, 'KWD', '1234.567'],
    [5, 'KWD', '0.005'],
    [-5, 'KWD', '-0.005'],
    [7, 'BHD', '0.007'],
    // The largest amount the API accepts: every digit kept.
    [Number.MAX_SAFE_INTEGER, 'NGN', '90071992547409.91'],
    [-Number.MAX_SAFE_INTEGER, 'NGN', '-90071992547409.91'],
    // Beyond 2^53 a number is only approximately an amount, but the string is the number's exact value.
    [2 ** 53 + 2, 'NGN', '90071992547409.94'],
    [2 ** 60, 'NGN', '11529215046068469.76'],
    [1e21, 'NGN', '10000000000000000000.00'],
  ] as const)('%d %s → %s', (amount, currency, decimal) => {
    expect(minorToDecimal(amount, currency)).toBe(decimal);
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %d (not an integer of minor units)', (amount) => {
    expect(() => minorToDecimal(amount, 'NGN')).toThrow(/integer/);
  });
});

describe('formatMoney: money for people in the recipient locale', () => {
  it.each([
    // [amount, currency, locale, text]
    [1_785_258, 'NGN', 'en-NG', '₦17,852.58'],
    [0, 'NGN', 'en-NG', '₦0.00'],
    [5, 'NGN', 'en-NG', '₦0.05'],
    [-1_785_258, 'NGN', 'en-NG', '-₦17,852.58'],
    [123_456, 'USD', 'en-US', '$1,234.56'],
    [-99, 'USD', 'en-US', '-$0.99'],
    [1_785_258, 'JPY', 'en-US', '¥1,785,258'],
    [1_234_567, 'KWD', 'en-US', 'KWD 1,234.567'],
    [5, 'KWD', 'en-US', 'KWD 0.005'],
    [1_785_258, 'XOF', 'fr-FR', '1 785 258 F CFA'],
    [1_785_258, 'EUR', 'fr-FR', '17 852,58 €'],
    [1_785_258, 'EUR', 'de-DE', '17.852,58 €'],
    [1_785_258, 'NGN', 'de-DE', '17.852,58 NGN'],
    [100, 'GBP', 'en-GB', '£1.00'],
    // Formatted from the decimal string: no digit lost to floating point.
    [Number.MAX_SAFE_INTEGER, 'NGN', 'en-NG', '₦90,071,992,547,409.91'],
    [2 ** 60, 'NGN', 'en-NG', '₦11,529,215,046,068,469.76'],
  ] as const)('%d %s in %s → %s', (amount, currency, locale, text) => {
    expect(spaces(formatMoney({ amount, currency }, locale))).toBe(text);
  });

  it('is exact in en-NG without normalising spaces (the issue’s own example)', () => {
    expect(formatMoney({ amount: 1_785_258, currency: 'NGN' }, 'en-NG')).toBe('₦17,852.58');
  });

  it.each([
    ['a number', 1_785_258],
    ['null', null],
    ['no currency', { amount: 100 }],
    ['a string amount', { amount: '100', currency: 'NGN' }],
    ['a fractional amount', { amount: 100.5, currency: 'NGN' }],
    ['NaN', { amount: Number.NaN, currency: 'NGN' }],
  ])('refuses %s', (_, money) => {
    expect(() => formatMoney(money, 'en-NG')).toThrow();
  });
});

describe('renderTemplate', () => {
  const evil = '<script>alert("x")</script> & Co';
  const variables = {
    recipient: { kind: 'customer', name: evil },
    repayment: { amount: { amount: 1_785_258, currency: 'NGN' } },
    locale: 'en-NG',
  };

  it('escapes HTML in the html part only: subject and text keep the characters as given', async () => {
    const out = await renderTemplate(
      {
        subject: 'Hello {{ recipient.name }}',
        text: 'Hello {{ recipient.name }}, {{ repayment.amount | money }}',
        html: '<p>Hello {{ recipient.name }}, {{ repayment.amount | money }}</p>',
      },
      variables,
    );
    expect(out.subject).toBe(`Hello ${evil}`);
    expect(out.text).toBe(`Hello ${evil}, ₦17,852.58`);
    expect(out.html).toBe('<p>Hello &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co, ₦17,852.58</p>');
    expect(out.html).not.toContain('<script>');
  });

  it('formats money in the locale variable of the render', async () => {
    const out = await renderTemplate(
      { subject: null, text: '{{ repayment.amount | money }}', html: null },
      { ...variables, locale: 'de-DE' },
    );
    expect(spaces(out.text)).toBe('17.852,58 NGN');
  });

  it('collapses whitespace in subjects and trims texts', async () => {
    const out = await renderTemplate(
      { subject: '  Loan\n  {{ recipient.kind }}\t ready ', text: '\n  body  \n', html: null },
      variables,
    );
    expect(out).toEqual({ subject: 'Loan customer ready', text: 'body', html: null });
  });

  it.each([
    ['subject', { subject: '{{ nope }}', text: 'ok', html: '<p>ok</p>' }, /undefined variable: nope/],
    ['text', { subject: 'ok', text: 'Hi {{ recipient.nickname }}', html: null }, /recipient\.nickname/],
    ['html', { subject: 'ok', text: 'ok', html: '<p>{{ loan.id }}</p>' }, /undefined variable: loan/],
    ['text', { subject: null, text: '{{ recipient.name | shout }}', html: null }, /undefined filter: shout/],
    ['html', { subject: null, text: 'ok', html: '{{ recipient.name | nope }}' }, /undefined filter: nope/],
    // Only own properties: nothing of the prototype is reachable.
    ['text', { subject: null, text: '{{ recipient.name.constructor }}', html: null }, /undefined variable/],
    ['subject', { subject: '{% if x %}', text: 'ok', html: null }, /not closed|tag/i],
  ] as const)('refuses strictly in the %s part: %j', async (part, source, message) => {
    const error = await renderTemplate(source, variables).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).part).toBe(part);
    expect((error as TemplateError).message).toMatch(message);
    expect((error as TemplateError).message.startsWith(`${part}: `)).toBe(true);
    // One line: no stack or template echo in what becomes a 422 detail.
    expect((error as TemplateError).message).not.toContain('\n');
  });

  it.each([
    "{% include 'header' %}",
    "{% include '/etc/passwd' %}",
    "{% render '../../package.json' %}",
    "{% layout 'base' %}",
  ])('reads no file: %s is a TemplateError', async (text) => {
    const error = await renderTemplate({ subject: null, text, html: null }, variables).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).part).toBe('text');
    expect((error as TemplateError).message).toMatch(/Failed to lookup/);
    expect((error as TemplateError).message).not.toMatch(/root:|lendwire/);
  });

  it.each([
    ['a huge loop', '{% for i in (1..100000000) %}{{ i }}{% endfor %}'],
    ['nested huge loops', '{% for i in (1..1000000) %}{% for j in (1..1000000) %}x{% endfor %}{% endfor %}'],
    [
      'a doubling string',
      '{% assign s = "xxxxxxxxxx" %}{% for i in (1..60) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}',
    ],
  ])('stops %s within its limits instead of stalling the worker', async (_, text) => {
    const started = performance.now();
    const error = await renderTemplate({ subject: null, text, html: null }, variables).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).message).toMatch(/limit/);
    expect(elapsed).toBeLessThan(2_000);
  });
});

describe('validateTemplate', () => {
  const sample = { ...COMMON_SAMPLE, ...NOTIFICATION_TYPES['repayment.failed'].sample };

  it('accepts a template that renders with the sample', async () => {
    expect(
      await validateTemplate(
        { subject: 'Failed: {{ repayment.amount | money }}', text: '{{ loan.id }}', html: '<b>{{ loan.id }}</b>' },
        sample,
      ),
    ).toEqual([]);
  });

  it('refuses a part longer than the limit, naming the part, without rendering anything', async () => {
    const long = 'x'.repeat(MAX_TEMPLATE_LENGTH + 1);
    const errors = await validateTemplate({ subject: 'ok', text: long, html: '{{ nope }}' }, sample);
    expect(errors.map((e) => [e.part, e.message])).toEqual([
      ['text', `text: must be at most ${MAX_TEMPLATE_LENGTH} characters`],
    ]);
    // Exactly at the limit is fine.
    expect(
      await validateTemplate({ subject: null, text: 'x'.repeat(MAX_TEMPLATE_LENGTH), html: null }, sample),
    ).toEqual([]);
  });

  it('reports every part that does not render, each with its part', async () => {
    const errors = await validateTemplate(
      { subject: '{{ nope }}', text: '{{ loan.id }}', html: '{{ loan.id | nope }}' },
      sample,
    );
    expect(errors.map((e) => e.part)).toEqual(['subject', 'html']);
    expect(errors.every((e) => e instanceof TemplateError)).toBe(true);
  });
});

describe('every built-in template renders with its sample', () => {
  const rows = Object.keys(NOTIFICATION_TYPES).flatMap((type) => channelsOf(type).map((channel) => [type, channel]));

  it('covers every type (23) and at least its in-app channel', () => {
    expect(Object.keys(NOTIFICATION_TYPES)).toHaveLength(23);
    for (const type of Object.keys(NOTIFICATION_TYPES)) expect(channelsOf(type)).toContain('in_app');
    // Every channel a type is sent on by default has a template.
    for (const [type, def] of Object.entries(NOTIFICATION_TYPES)) {
      for (const channels of Object.values(def.audience)) {
        for (const channel of channels) expect(channelsOf(type), `${type} ${channel}`).toContain(channel);
      }
    }
  });

  it.each(rows)('%s on %s', async (type, channel) => {
    const def = notificationType(type)!;
    const source = def.templates[channel as 'in_app' | 'email' | 'sms']!;
    const out = await renderTemplate(source, { ...COMMON_SAMPLE, ...def.sample });
    expect(out.text.length).toBeGreaterThan(0);
    for (const part of [out.subject, out.text, out.html]) {
      expect(part ?? '').not.toMatch(/\{\{|\{%|undefined|NaN|\[object Object\]/);
    }
    if (channel === 'sms') {
      expect(out.subject).toBeNull();
      expect(out.html).toBeNull();
      expect(out.text.length).toBeLessThanOrEqual(320);
    } else {
      expect(out.subject).toEqual(expect.any(String));
      expect(out.subject!.length).toBeGreaterThan(0);
    }
    if (channel === 'email') {
      expect(out.html).toContain('<html>');
      expect(out.html).toContain('Acme Lending');
      expect(out.text).toContain('Hello Ada Obi,');
    }
    // The sample's money appears formatted, never as raw minor units.
    expect(`${out.subject} ${out.text}`).not.toMatch(/\b1785258\b|\b10000000\b/);
  });

  it('escapes a hostile recipient name in every built-in e-mail', async () => {
    for (const [type, def] of Object.entries(NOTIFICATION_TYPES)) {
      const email = (def.templates as Record<string, { subject: string | null; text: string; html: string | null }>)
        .email;
      if (!email) continue;
      const out = await renderTemplate(email, {
        ...COMMON_SAMPLE,
        ...def.sample,
        recipient: { kind: 'customer', name: '<img src=x onerror=alert(1)>' },
      });
      expect(out.html, type).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(out.html, type).not.toContain('<img');
      expect(out.text, type).toContain('<img src=x onerror=alert(1)>');
    }
  });
});
