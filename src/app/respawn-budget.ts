// A worker that dies is started again, but one that dies again and again (a script that
// fails to load, a tab out of memory) must not be restarted forever: after a few deaths in
// a short time the page goes on without it (the primary engine scores the helpers' parts,
// the first ingest worker reads a partner's share).

export class RespawnBudget {
  private readonly deaths: number[] = [];
  private readonly most: number;
  private readonly withinMs: number;
  private readonly now: () => number;

  constructor(most = 3, withinMs = 60_000, now: () => number = () => performance.now()) {
    this.most = most;
    this.withinMs = withinMs;
    this.now = now;
  }

  /** Records a death; true while restarting is still allowed. */
  died(): boolean {
    const t = this.now();
    while (this.deaths.length && t - this.deaths[0] >= this.withinMs) this.deaths.shift();
    this.deaths.push(t);
    return this.deaths.length <= this.most;
  }
}
