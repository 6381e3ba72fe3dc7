"""Peer for `npm run bench -- train|scaling`: one Lloyd iteration of scikit-learn's k-means
(sklearn.cluster._k_means_lloyd.lloyd_iter_chunked_sparse, what KMeans(algorithm='lloyd').fit runs per
iteration on CSR input) on the very matrix and initial centers the bench wrote. Prints one JSON line.

usage: lloyd.py DIR ROWS COLS K[,K...] REPS THREADS[,THREADS...]
DIR holds indptr.bin (int32), indices.bin (int32), values.bin (float32), centers-K.bin (float32 [K, COLS]).
"""
import json
import os
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.cluster._k_means_lloyd import lloyd_iter_chunked_sparse


def main():
    d, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    ks = [int(x) for x in sys.argv[4].split(",")]
    reps = int(sys.argv[5])
    thread_counts = [int(x) for x in sys.argv[6].split(",")]
    load = lambda name, dt: np.fromfile(os.path.join(d, name), dtype=dt)
    X = sp.csr_matrix((load("values.bin", np.float32), load("indices.bin", np.int32), load("indptr.bin", np.int32)), shape=(rows, cols))
    out = {"rows": rows, "ms": {}, "samples": {}}
    sw = np.ones(rows, dtype=np.float32)
    for k in ks:
        centers = load(f"centers-{k}.bin", np.float32).reshape(k, cols)
        for th in thread_counts:
            ts = []
            for r in range(reps + 1):
                new = np.zeros_like(centers)
                weight = np.zeros(k, dtype=np.float32)
                labels = np.full(rows, -1, dtype=np.int32)
                shift = np.zeros(k, dtype=np.float32)
                t = time.perf_counter()
                lloyd_iter_chunked_sparse(X, sw, centers, new, weight, labels, shift, th)
                if r > 0:
                    ts.append(time.perf_counter() - t)
            out["ms"][f"{k}/{th}"] = 1000 * float(np.median(ts))
            out["samples"][f"{k}/{th}"] = [1000 * t for t in ts]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
