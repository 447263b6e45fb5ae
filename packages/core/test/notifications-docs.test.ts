/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NOTIFICATION_TYPE_NAMES } from '@lendwire/contract';
import { describe, expect, it } from 'vitest';
import {
  channelsOf,
  NOTIFICATION_TYPES,
  type NotificationTypeDefinition,
  type RecipientKind,
} from '../src/notifications/catalog.js';

// docs/notifications.md is written by hand; these tests keep its catalog and variables tables in step
// with packages/core/src/notifications/catalog.ts, so a type added, a default channel changed or a
// variable renamed fails here until the guide says so too.

const DOC = 'docs/notifications.md';
const markdown = readFileSync(fileURLToPath(new URL(`../../../${DOC}`, import.meta.url)), 'utf8');
const definitions = NOTIFICATION_TYPES as Record<string, NotificationTypeDefinition>;
const catalogTypes = Object.keys(definitions);

/** The rows of the first table after `heading`, each as its trimmed cells (header and rule excluded). */
function tableAfter(heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`${DOC} has no heading "${heading}"`);
  const rows: string[][] = [];
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (line.startsWith('|')) {
      inTable = true;
      rows.push(
        line
          .slice(1, line.endsWith('|') ? -1 : undefined)
          .split('|')
          .map((cell) => cell.trim()),
      );
    } else if (inTable) {
      break;
    }
  }
  // Drop the header row and the `| --- |` rule.
  return rows.slice(2);
}

/** The code spans of a cell: `in_app`, `email` → ['in_app', 'email']. */
const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** A channels cell: code spans, or `—` for none. */
function channelsCell(cell: string): string[] {
  if (cell === '—') return [];
  const spans = codeSpans(cell);
  if (spans.length === 0) throw new Error(`not a channels cell (code spans or —): "${cell}"`);
  return spans;
}

describe(`${DOC}: the catalog table ("What gets notified")`, () => {
  const rows = tableAfter('## What gets notified');
  const byType = new Map(rows.map((cells) => [codeSpans(cells[0]!)[0] ?? cells[0]!, cells]));

  it('has one row per catalog type, in the catalog’s order, and no other', () => {
    const documented = rows.map((cells) => codeSpans(cells[0]!)[0] ?? cells[0]!);
    expect(
      documented,
      `${DOC} lists types the catalog lacks, or misses some: keep the table in step with NOTIFICATION_TYPES`,
    ).toEqual(catalogTypes);
    expect(catalogTypes).toEqual([...NOTIFICATION_TYPE_NAMES]);
  });

  it.each(catalogTypes)('%s: default channels per recipient, channels with a message, required flag', (type) => {
    const def = definitions[type]!;
    const cells = byType.get(type);
    expect(cells, `${type} is missing from the table in ${DOC}`).toBeDefined();
    const [, account, customer, messages, required, says] = cells!;
    const defaults = (kind: RecipientKind) => [...(def.audience[kind] ?? [])];
    expect(channelsCell(account!), `${type}: the Account column`).toEqual(defaults('account'));
    expect(channelsCell(customer!), `${type}: the Customer column`).toEqual(defaults('customer'));
    expect(channelsCell(messages!), `${type}: the Messages column`).toEqual(channelsOf(type));
    expect(required, `${type}: the Required column`).toBe(def.required ? 'yes' : 'no');
    expect(says, `${type}: what it says`).toMatch(/\w{3,}/);
  });

  it('names the required types in the preferences section, all of them and only them', () => {
    const sentence = /The required types are ([^:]+):/.exec(markdown);
    expect(sentence, `${DOC} should say "The required types are …:"`).not.toBeNull();
    const named = codeSpans(sentence![1]!).sort();
    expect(named).toEqual(catalogTypes.filter((type) => definitions[type]!.required).sort());
  });
});

describe(`${DOC}: the variables table ("Variables")`, () => {
  const rows = tableAfter('### Variables');

  /** `object.field` for every field of every object of the type's sample. */
  function sampleVariables(type: string): string[] {
    return Object.entries(definitions[type]!.sample)
      .flatMap(([name, value]) => Object.keys(value as object).map((field) => `${name}.${field}`))
      .sort();
  }

  it('names every catalog type exactly once', () => {
    const named = rows.flatMap((cells) => codeSpans(cells[0]!));
    expect([...named].sort()).toEqual([...catalogTypes].sort());
  });

  it.each(catalogTypes)('%s: lists exactly the variables of its sample', (type) => {
    const row = rows.find((cells) => codeSpans(cells[0]!).includes(type));
    expect(row, `${type} has no row in the variables table of ${DOC}`).toBeDefined();
    const documented = codeSpans(row![1]!)
      .filter((span) => /^[a-zA-Z]+\.[a-zA-Z0-9]+$/.test(span))
      .sort();
    expect(documented).toEqual(sampleVariables(type));
  });
});
