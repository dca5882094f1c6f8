/** Every item of a paginated AWS list call: `page(token)` fetches one page and names the next token. */
export async function allPages<T>(page: (token: string | undefined) => Promise<{ items?: T[] | undefined; next?: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const p = await page(token);
    out.push(...(p.items ?? []));
    token = p.next;
  } while (token);
  return out;
}
