// Threshold-free ranking metrics over (anomaly score, truth) pairs, with scikit-learn's
// definitions: ROC AUC with ties counted half, PR AUC as average precision.

function orderByScoreDesc(score: Float64Array, truth: Uint8Array): Int32Array {
  const idx: number[] = [];
  for (let i = 0; i < score.length; i++) if (!Number.isNaN(score[i]) && truth[i] !== 255) idx.push(i);
  idx.sort((a, b) => score[b] - score[a]);
  return Int32Array.from(idx);
}

/** truth: 1 positive, 0 negative, 255 excluded. Higher score = more likely positive. */
export function rocAuc(score: Float64Array, truth: Uint8Array): number {
  const order = orderByScoreDesc(score, truth);
  let pos = 0;
  let neg = 0;
  order.forEach((i) => (truth[i] ? pos++ : neg++));
  if (pos === 0 || neg === 0) return NaN;
  // Walk tie groups: each positive beats the negatives ranked below it, ties count half.
  let negBelow = neg;
  let wins = 0;
  for (let g = 0; g < order.length; ) {
    let h = g;
    let p = 0;
    let n = 0;
    while (h < order.length && score[order[h]] === score[order[g]]) {
      if (truth[order[h]]) p++;
      else n++;
      h++;
    }
    negBelow -= n;
    wins += p * (negBelow + n / 2);
    g = h;
  }
  return wins / (pos * neg);
}

/** Average precision: sum over thresholds of (R_k - R_{k-1}) * P_k. */
export function averagePrecision(score: Float64Array, truth: Uint8Array): number {
  const order = orderByScoreDesc(score, truth);
  let pos = 0;
  order.forEach((i) => (pos += truth[i] ? 1 : 0));
  if (pos === 0) return NaN;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let prevRecall = 0;
  for (let g = 0; g < order.length; ) {
    let h = g;
    while (h < order.length && score[order[h]] === score[order[g]]) {
      tp += truth[order[h]] ? 1 : 0;
      h++;
    }
    seen = h;
    const recall = tp / pos;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
    g = h;
  }
  return ap;
}

/** ROC curve points (fpr, tpr), one per distinct score, from (0,0) to (1,1). */
export function rocCurve(score: Float64Array, truth: Uint8Array): { fpr: Float64Array; tpr: Float64Array } {
  const order = orderByScoreDesc(score, truth);
  let pos = 0;
  order.forEach((i) => (pos += truth[i] ? 1 : 0));
  const neg = order.length - pos;
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  for (let g = 0; g < order.length; ) {
    let h = g;
    while (h < order.length && score[order[h]] === score[order[g]]) {
      if (truth[order[h]]) tp++;
      else fp++;
      h++;
    }
    fpr.push(neg ? fp / neg : 0);
    tpr.push(pos ? tp / pos : 0);
    g = h;
  }
  return { fpr: Float64Array.from(fpr), tpr: Float64Array.from(tpr) };
}
