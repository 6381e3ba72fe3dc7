"""Peer for `npm run bench -- classify|featurize|scaling`: scikit-learn char-bigram HashingVectorizer
(+ KMeans.predict) on the same texts. Prints one JSON line.

usage: classify.py TEXTS.json K N_FEATURES REPS [classify-only]
"""
import json
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import HashingVectorizer
from threadpoolctl import threadpool_info


def median_seconds(fn, reps, warm):
    warm()  # warm-up on a slice
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def main():
    path, k, n_features, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    classify_only = len(sys.argv) > 5 and sys.argv[5] == "classify-only"
    with open(path, encoding="utf-8") as f:
        texts = json.load(f)
    hv = HashingVectorizer(analyzer="char", ngram_range=(2, 2), n_features=n_features)
    fit = hv.transform(texts[: min(len(texts), 5000)])
    km = KMeans(n_clusters=k, n_init=1, random_state=0).fit(fit)
    head = texts[:10000]
    featurize = None if classify_only else median_seconds(lambda: hv.transform(texts), reps, lambda: hv.transform(head))
    classify = median_seconds(lambda: km.predict(hv.transform(texts)), reps, lambda: km.predict(hv.transform(head)))
    threads = max((p.get("num_threads", 1) for p in threadpool_info()), default=1)
    print(json.dumps({
        "texts": len(texts),
        "featurize_per_s": None if featurize is None else len(texts) / featurize,
        "classify_per_s": len(texts) / classify,
        "openmp_threads": threads,
    }))


if __name__ == "__main__":
    main()
