// Slider → redraw as the browser benches measure it: the contamination's set() call (the
// re-threshold and re-render) plus the style, layout and paint of the frame that shows it,
// from that frame's rAF callback to a task queued inside it. Median of 60 moves after 20 of warm-up.
import type { Page } from 'playwright-core';

export async function sliderMedian(page: Page): Promise<{ total: number; sync: number }> {
  return page.evaluate(async () => {
    const wb = (window as any).isoscope;
    const nextFramePainted = () =>
      new Promise<number>((ok) =>
        requestAnimationFrame(() => {
          const t = performance.now();
          setTimeout(() => ok(performance.now() - t), 0);
        }),
      );
    const total: number[] = [];
    const sync: number[] = [];
    for (let i = 0; i < 80; i++) {
      const t0 = performance.now();
      wb.threshold.set(0.005 + (i % 40) * 0.01);
      const s = performance.now() - t0;
      const render = await nextFramePainted();
      if (i >= 20) {
        // after warm-up
        sync.push(s);
        total.push(s + render);
      }
    }
    total.sort((a, b) => a - b);
    sync.sort((a, b) => a - b);
    return { total: total[total.length >> 1], sync: sync[sync.length >> 1] };
  });
}
