// Used by the RtbExchange Durable Object for hold and bid expiry; kept apart so tests reach it directly.
/** A binary min-heap of (time, key). */
export class MinHeap {
  private items: Array<{ at: number; key: string }> = [];
  peek() {
    return this.items[0];
  }
  push(at: number, key: string) {
    const a = this.items;
    a.push({ at, key });
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (a[p].at <= a[i].at) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop() {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < a.length && a[l].at < a[m].at) m = l;
        if (r < a.length && a[r].at < a[m].at) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
