import { HttpResponse, http } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, Page } from '../src/index.js';
import { BASE_URL, customer, mockClient, problem, useMockApi } from './support/msw.js';

const server = useMockApi();

/** Five customers, newest first, as the API lists them. */
const ALL = ['cus_5', 'cus_4', 'cus_3', 'cus_2', 'cus_1'].map((id) => customer(id));

/** Query strings of the list requests the mocked API received, in order. */
let queries: { limit: string | null; startingAfter: string | null }[];

beforeEach(() => {
  queries = [];
  server.use(
    http.get(`${BASE_URL}/v1/customers`, ({ request }) => {
      const url = new URL(request.url);
      const limit = url.searchParams.get('limit');
      const startingAfter = url.searchParams.get('startingAfter');
      queries.push({ limit, startingAfter });
      const from = startingAfter ? ALL.findIndex((c) => c.id === startingAfter) + 1 : 0;
      const data = ALL.slice(from, from + Number(limit ?? 20));
      const hasMore = from + data.length < ALL.length;
      return HttpResponse.json(
        { object: 'list', data, hasMore, nextCursor: hasMore ? data.at(-1)!.id : null },
        { headers: { 'X-Request-Id': `req_page_${queries.length}` } },
      );
    }),
  );
});

const ids = (items: { id: string }[]) => items.map((c) => c.id);

describe('auto-pagination', () => {
  it('walks every item of every page with for await, passing the cursor', async () => {
    const seen: string[] = [];
    for await (const c of mockClient().customers.list({ limit: 2 })) seen.push(c.id);
    expect(seen).toEqual(ids(ALL));
    expect(queries).toEqual([
      { limit: '2', startingAfter: null },
      { limit: '2', startingAfter: 'cus_4' },
      { limit: '2', startingAfter: 'cus_2' },
    ]);
  });

  it('stops fetching when the loop breaks', async () => {
    for await (const c of mockClient().customers.list({ limit: 2 })) {
      if (c.id === 'cus_4') break;
    }
    expect(queries).toHaveLength(1);
  });

  it('starts after the cursor the caller gives', async () => {
    const items = await mockClient().customers.list({ limit: 2, startingAfter: 'cus_4' }).toArray();
    expect(ids(items)).toEqual(['cus_3', 'cus_2', 'cus_1']);
    expect(queries.map((q) => q.startingAfter)).toEqual(['cus_4', 'cus_2']);
  });

  it('sends no query parameters the caller did not give', async () => {
    await mockClient().customers.list();
    expect(queries).toEqual([{ limit: null, startingAfter: null }]);
  });

  it('collects items across pages with toArray, up to limit', async () => {
    const client = mockClient();
    expect(ids(await client.customers.list({ limit: 2 }).toArray())).toEqual(ids(ALL));
    queries = [];
    expect(ids(await client.customers.list({ limit: 2 }).toArray({ limit: 3 }))).toEqual(['cus_5', 'cus_4', 'cus_3']);
    expect(queries).toHaveLength(2);
    queries = [];
    expect(await client.customers.list({ limit: 2 }).toArray({ limit: 0 })).toEqual([]);
    expect(queries).toHaveLength(1);
  });

  it('throws the error of a failing later page from the loop', async () => {
    server.use(
      http.get(`${BASE_URL}/v1/customers`, ({ request }) => {
        if (new URL(request.url).searchParams.get('startingAfter')) return problem(404, 'not_found');
        return HttpResponse.json({ object: 'list', data: ALL.slice(0, 2), hasMore: true, nextCursor: 'cus_4' });
      }),
    );
    const seen: string[] = [];
    const loop = async () => {
      for await (const c of mockClient({ maxRetries: 0 }).customers.list({ limit: 2 })) seen.push(c.id);
    };
    await expect(loop()).rejects.toBeInstanceOf(NotFoundError);
    expect(seen).toEqual(['cus_5', 'cus_4']);
  });
});

describe('pages', () => {
  it('resolves to the first page, and steps with hasNextPage/getNextPage', async () => {
    const first = await mockClient().customers.list({ limit: 2 });
    expect(first).toBeInstanceOf(Page);
    expect(ids(first.data)).toEqual(['cus_5', 'cus_4']);
    expect(first.hasMore).toBe(true);
    expect(first.nextCursor).toBe('cus_4');
    expect(first.hasNextPage()).toBe(true);

    const second = await first.getNextPage();
    expect(ids(second.data)).toEqual(['cus_3', 'cus_2']);
    const third = await second.getNextPage();
    expect(ids(third.data)).toEqual(['cus_1']);
    expect(third.hasNextPage()).toBe(false);
    expect(third.nextCursor).toBeNull();
    await expect(third.getNextPage()).rejects.toThrow(/No next page/);
    expect(queries).toHaveLength(3);
  });

  it('iterates pages with iterPages', async () => {
    const first = await mockClient().customers.list({ limit: 2 });
    const pages: string[][] = [];
    for await (const page of first.iterPages()) pages.push(ids(page.data));
    expect(pages).toEqual([['cus_5', 'cus_4'], ['cus_3', 'cus_2'], ['cus_1']]);
  });

  it('walks from a later page on with for await over the page', async () => {
    const second = await (await mockClient().customers.list({ limit: 2 })).getNextPage();
    const seen: string[] = [];
    for await (const c of second) seen.push(c.id);
    expect(seen).toEqual(['cus_3', 'cus_2', 'cus_1']);
  });

  it('does not page on when hasMore is true but the cursor is null', async () => {
    server.use(
      http.get(`${BASE_URL}/v1/customers`, () =>
        HttpResponse.json({ object: 'list', data: ALL.slice(0, 1), hasMore: true, nextCursor: null }),
      ),
    );
    const page = await mockClient().customers.list();
    expect(page.hasNextPage()).toBe(false);
    expect(await page.toArray()).toHaveLength(1);
  });

  it('gives the first page with its response via .withResponse()', async () => {
    const { data, requestId, response } = await mockClient().customers.list({ limit: 2 }).withResponse();
    expect(data).toBeInstanceOf(Page);
    expect(ids(data.data)).toEqual(['cus_5', 'cus_4']);
    expect(requestId).toBe('req_page_1');
    expect(response.status).toBe(200);
  });

  it('pages the other list methods the same way', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${BASE_URL}/v1/:resource`, ({ params, request }) => {
        const after = new URL(request.url).searchParams.get('startingAfter');
        seen.push(`${params.resource}:${after}`);
        return after
          ? HttpResponse.json({ object: 'list', data: [{ id: 'b' }], hasMore: false, nextCursor: null })
          : HttpResponse.json({ object: 'list', data: [{ id: 'a' }], hasMore: true, nextCursor: 'a' });
      }),
    );
    const client = mockClient();
    expect(ids(await client.accounts.list({ limit: 1 }).toArray())).toEqual(['a', 'b']);
    expect(ids(await client.apiKeys.list({ limit: 1 }).toArray())).toEqual(['a', 'b']);
    expect(seen).toEqual(['accounts:null', 'accounts:a', 'api-keys:null', 'api-keys:a']);
  });
});
