"""Does FD002 need per-regime features or per-regime thresholds? A prototype measurement.

Not part of the product: scikit-learn's IsolationForest stands in for isoscope's forest, with
isoscope's default protocol re-implemented in numpy (regime-standardised inputs, own-unit
baseline, window mean 5, forest on each unit's first 50%, threshold from 5-fold cross-fit
scores of held-out healthy readings, alarm 5 of 8 clear 1). Variants:
  mixed      the default: the own-unit baseline is the mean of the unit's first 20 readings, any regime
  per:B      per-regime features: the baseline is the unit's mean over its first B readings *in the
             reading's own regime*, so a bias a unit shows in one regime only is removed
  none       no own-unit baseline (regime standardisation alone)
  thr        one threshold against per-regime thresholds (each regime's own cross-fit quantile)
In-sample figures are on train_FD002 (each unit's lead after its baseline); out-of-sample on
test_FD002 with RUL_FD002. Run: /usr/bin/python3 tools/regime_features_fd002.py [DATA_DIR]
"""
import sys
import numpy as np
from sklearn.cluster import KMeans
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

DATA = sys.argv[1] if len(sys.argv) > 1 else '../shared/data/cmapss/'
SENSORS = list(range(5, 26))
K = 6


def rul_of(a, final=None):
    r = np.zeros(len(a))
    for u in np.unique(a[:, 0]):
        m = a[:, 0] == u
        r[m] = a[m, 1].max() - a[m, 1] + (0 if final is None else final[int(u) - 1])
    return r


def first_half(a):
    b = np.zeros(len(a), bool)
    for u in np.unique(a[:, 0]):
        idx = np.where(a[:, 0] == u)[0]
        b[idx[: len(idx) // 2]] = True
    return b


tr = np.loadtxt(DATA + 'train_FD002.txt')
te = np.loadtxt(DATA + 'test_FD002.txt')
tr_rul = rul_of(tr)
te_rul = rul_of(te, np.loadtxt(DATA + 'RUL_FD002.txt'))
km = KMeans(K, n_init=10, random_state=0).fit(tr[:, 2:5])
reg_tr, reg_te = km.predict(tr[:, 2:5]), km.predict(te[:, 2:5])
base = first_half(tr)
X = tr[:, SENSORS]
mu = np.array([X[base & (reg_tr == g)].mean(0) for g in range(K)])
sd = np.array([X[base & (reg_tr == g)].std(0) for g in range(K)])
sd[sd < 1e-9] = 1
Z_all = (X - mu[reg_tr]) / sd[reg_tr]
keep = [j for j in range(len(SENSORS)) if np.ptp(Z_all[:, j]) > 1e-6]


def features(a, reg, mode, b=20, w=5):
    z_all = ((a[:, SENSORS] - mu[reg]) / sd[reg])[:, keep]
    out = np.empty_like(z_all)
    for u in np.unique(a[:, 0]):
        idx = np.where(a[:, 0] == u)[0]
        z, r = z_all[idx], reg[idx]
        dev = z.copy()
        if mode != 'none':
            s, c = np.zeros((K, z.shape[1])), np.zeros(K)
            for i in range(len(idx)):
                g = r[i] if mode == 'per' else 0
                if c[g] < b:
                    s[g] += z[i]
                    c[g] += 1
                dev[i] = z[i] - s[g] / c[g]
        cs = np.vstack([np.zeros((1, z.shape[1])), np.cumsum(dev, 0)])
        n = np.arange(1, len(idx) + 1)
        lo = np.maximum(0, n - w)
        out[idx] = (cs[n] - cs[lo]) / (n - lo)[:, None]
    return out


def alarms(a, flags, k=5, n=8, clear=1):
    on_at = np.zeros(len(a), bool)
    for u in np.unique(a[:, 0]):
        idx = np.where(a[:, 0] == u)[0]
        on, ring = False, []
        for i in idx:
            ring = (ring + [flags[i]])[-n:]
            on = sum(ring) >= k if not on else sum(ring) > clear
            on_at[i] = on
    return on_at


def episodes_per_unit(a, on, where):
    e = 0
    for u in np.unique(a[:, 0]):
        idx = np.where(a[:, 0] == u)[0]
        prev = False
        for i in idx:
            e += on[i] and not prev and where[i]
            prev = on[i]
    return e / len(np.unique(a[:, 0]))


def forest(rows):
    return IsolationForest(n_estimators=100, max_samples=256, random_state=42).fit(rows)


def run(label, mode, b=20, q=0.998, per_regime_threshold=False):
    f_tr, f_te = features(tr, reg_tr, mode, b), features(te, reg_te, mode, b)
    units = np.unique(tr[:, 0])
    fold = np.array([{u: i % 5 for i, u in enumerate(units)}[u] for u in tr[:, 0]])
    healthy = base | (tr_rul > 125)
    oof = np.full(len(tr), np.nan)
    for k in range(5):
        held = healthy & (fold == k)
        oof[held] = -forest(f_tr[base & (fold != k)]).score_samples(f_tr[held])
    thr_tr = np.full(len(tr), np.quantile(oof[healthy], q))
    thr_te = np.full(len(te), thr_tr[0])
    if per_regime_threshold:
        for g in range(K):
            t = np.quantile(oof[healthy & (reg_tr == g)], q)
            thr_tr[reg_tr == g], thr_te[reg_te == g] = t, t
    m = forest(f_tr[base])
    s_tr, s_te = -m.score_samples(f_tr), -m.score_samples(f_te)
    on_tr, on_te = alarms(tr, s_tr > thr_tr), alarms(te, s_te > thr_te)
    leads, never = [], 0
    for u in units:
        after = np.where((tr[:, 0] == u) & ~base)[0]
        warned = after[on_tr[after]]
        if len(warned):
            leads.append(tr_rul[warned[0]])
        else:
            never += 1
    far, near = te_rul > 125, te_rul <= 30
    auc = roc_auc_score(np.r_[np.zeros(far.sum()), np.ones(near.sum())], np.r_[s_te[far], s_te[near]])
    last = np.array([np.where(te[:, 0] == u)[0][-1] for u in np.unique(te[:, 0])])
    ends_near = last[te_rul[last] <= 30]
    print(
        f'| {label} | {np.median(leads):.0f} / {np.percentile(leads, 10):.0f} | {never} | {auc:.4f} | '
        f'{on_te[ends_near].sum()} of {len(ends_near)} | {episodes_per_unit(te, on_te, far):.3f} |',
        flush=True,
    )


print('| variant | IN-SAMPLE median / p10 lead | never warned | OUT-OF-SAMPLE ROC AUC | near-failure in alarm | false alarms / unit at RUL > 125 |')
print('|---|---|---|---|---|---|')
run('own-unit baseline 20, any regime (default)', 'mixed')
run('per-regime baseline, 5 readings per regime', 'per', 5)
run('per-regime baseline, 10 per regime', 'per', 10)
run('per-regime baseline, 20 per regime', 'per', 20)
run('no own-unit baseline', 'none')
for q in (0.998, 0.995):
    run(f'q {q}, one threshold', 'mixed', q=q)
    run(f'q {q}, a threshold per regime', 'mixed', q=q, per_regime_threshold=True)
