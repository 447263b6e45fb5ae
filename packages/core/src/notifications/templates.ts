import { CURRENCY_EXPONENTS, type Currency } from '@lendwire/contract';
import { Liquid } from 'liquidjs';

/** Longest template source accepted (per part: subject, text, html). */
export const MAX_TEMPLATE_LENGTH = 20_000;
/** Limits of one render: parse and render time (ms) and memory (liquidjs units), so a template cannot stall a worker. */
const LIMITS = { parseLimit: MAX_TEMPLATE_LENGTH * 4, renderLimit: 200, memoryLimit: 1e6 } as const;

/** Variables a template sees: the type's own, plus `recipient`, `account` and `locale`. */
export type TemplateVariables = Record<string, unknown>;

/**
 * `amount` minor units of `currency` as a decimal string (`1785258`, NGN → `17852.58`), with no
 * floating point on the way: money in a message is exactly the ledger's.
 */
export function minorToDecimal(amount: number, currency: string): string {
  if (!Number.isInteger(amount)) throw new Error('money amount must be an integer number of minor units');
  const exponent = CURRENCY_EXPONENTS[currency as Currency] ?? 2;
  const negative = amount < 0;
  // BigInt: every digit of the integer (String() would round past 2^53 and write 1e21 as "1e+21").
  const digits = BigInt(Math.abs(amount))
    .toString()
    .padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Money `{ amount, currency }` formatted for `locale`: `₦17,852.58` (en-NG), `17.852,58 €` (de-DE). */
export function formatMoney(money: unknown, locale = 'en'): string {
  if (!money || typeof money !== 'object') throw new Error('money filter needs { amount, currency }');
  const { amount, currency } = money as { amount?: unknown; currency?: unknown };
  if (typeof amount !== 'number' || typeof currency !== 'string') {
    throw new Error('money filter needs { amount, currency }');
  }
  const exponent = CURRENCY_EXPONENTS[currency as Currency] ?? 2;
  const format = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });
  // A decimal string keeps every digit (Intl formats strings exactly; numbers above 2^53 would not be).
  return format.format(minorToDecimal(amount, currency) as unknown as number);
}

/** A calendar date or instant formatted for `locale` (`3 January 2027`), in UTC unless a time zone is given. */
export function formatDate(value: unknown, locale = 'en', timeZone = 'UTC'): string {
  // A date that is not set (a loan with nothing more due) reads as nothing, like liquid's own filters.
  if (value === null || value === undefined || value === '') return '';
  if (typeof value !== 'string' && !(value instanceof Date)) throw new Error('date_long filter needs a date');
  const date =
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`date_long filter: not a date: ${String(value).slice(0, 40)}`);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone }).format(date);
}

function engine(html: boolean): Liquid {
  const liquid = new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    // Templates come from the database: no file system, no includes of anything but nothing.
    templates: {},
    ...(html ? { outputEscape: 'escape' as const } : {}),
    ...LIMITS,
  });
  liquid.registerFilter('money', function (this: { context: { getSync(path: string[]): unknown } }, value: unknown) {
    const locale = this.context.getSync(['locale']);
    return formatMoney(value, typeof locale === 'string' ? locale : 'en');
  });
  liquid.registerFilter(
    'date_long',
    function (this: { context: { getSync(path: string[]): unknown } }, value: unknown) {
      const locale = this.context.getSync(['locale']);
      return formatDate(value, typeof locale === 'string' ? locale : 'en');
    },
  );
  return liquid;
}

const textEngine = engine(false);
const htmlEngine = engine(true);

/** A template of one channel: `subject` (e-mail subject or in-app title), `text`, and `html` (e-mail). */
export interface TemplateSource {
  subject: string | null;
  text: string;
  html: string | null;
}

/** What a template rendered to. */
export interface RenderedMessage {
  subject: string | null;
  text: string;
  html: string | null;
}

/** A template that does not parse or render, with the part (`subject`, `text`, `html`) at fault. */
export class TemplateError extends Error {
  constructor(
    readonly part: 'subject' | 'text' | 'html',
    message: string,
  ) {
    super(`${part}: ${message}`);
    this.name = 'TemplateError';
  }
}

/** First line of a liquidjs error, without the stack or the template echo. */
function why(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 300);
}

/**
 * Renders a template with strict variables and filters (an unknown variable or filter is an error,
 * never an empty string), HTML-escaping every output in `html`. Subjects and texts are trimmed, and
 * subjects have their whitespace collapsed to single spaces.
 */
export async function renderTemplate(source: TemplateSource, variables: TemplateVariables): Promise<RenderedMessage> {
  const part = async (name: 'subject' | 'text' | 'html', src: string | null, html: boolean) => {
    if (src === null) return null;
    try {
      const liquid = html ? htmlEngine : textEngine;
      return (await liquid.parseAndRender(src, variables)) as string;
    } catch (error) {
      throw new TemplateError(name, why(error));
    }
  };
  const subject = await part('subject', source.subject, false);
  return {
    subject: subject === null ? null : subject.replace(/\s+/g, ' ').trim(),
    text: ((await part('text', source.text, false)) ?? '').trim(),
    html: await part('html', source.html, true),
  };
}

/** Checks a template: each part parses, is not too long, and renders with `sample` (strictly). */
export async function validateTemplate(source: TemplateSource, sample: TemplateVariables): Promise<TemplateError[]> {
  const errors: TemplateError[] = [];
  for (const name of ['subject', 'text', 'html'] as const) {
    const src = source[name];
    if (src !== null && src.length > MAX_TEMPLATE_LENGTH) {
      errors.push(new TemplateError(name, `must be at most ${MAX_TEMPLATE_LENGTH} characters`));
    }
  }
  if (errors.length > 0) return errors;
  for (const name of ['subject', 'text', 'html'] as const) {
    const src = source[name];
    if (src === null) continue;
    try {
      await renderTemplate({ subject: null, text: '', html: null, [name]: src }, sample);
    } catch (error) {
      errors.push(error instanceof TemplateError ? error : new TemplateError(name, why(error)));
    }
  }
  return errors;
}
