#!/usr/bin/python3
"""scikit-learn KMeans peer for `npm run quality` (training/experiments/peers.ts).

Reads a folder written by the runner: meta.json and the train/test CSR matrices as raw little-endian
arrays (indptr/indices int32, data float32). L2-normalises the rows, fits KMeans (k-means++, n_init
restarts, Lloyd) on the train rows, predicts the test rows, and writes train_clusters.bin and
test_clusters.bin (int32) plus timing.json. Run with Debian's /usr/bin/python3 (scikit-learn 1.2).
"""
import json
import os
import sys
import time

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.cluster import KMeans
from sklearn.preprocessing import normalize


def load(folder, name, rows, cols):
    indptr = np.fromfile(os.path.join(folder, name + "_indptr.bin"), dtype="<i4")
    indices = np.fromfile(os.path.join(folder, name + "_indices.bin"), dtype="<i4")
    data = np.fromfile(os.path.join(folder, name + "_data.bin"), dtype="<f4")
    return csr_matrix((data.astype(np.float64), indices, indptr), shape=(rows, cols))


def main(folder):
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    x_train = normalize(load(folder, "train", meta["trainRows"], meta["cols"]))
    x_test = normalize(load(folder, "test", meta["testRows"], meta["cols"]))
    km = KMeans(n_clusters=meta["k"], n_init=meta.get("nInit", 10), max_iter=meta.get("maxIter", 300),
                random_state=meta["seed"], algorithm="lloyd")
    t0 = time.perf_counter()
    km.fit(x_train)
    t1 = time.perf_counter()
    test_clusters = km.predict(x_test)
    t2 = time.perf_counter()
    km.labels_.astype("<i4").tofile(os.path.join(folder, "train_clusters.bin"))
    test_clusters.astype("<i4").tofile(os.path.join(folder, "test_clusters.bin"))
    with open(os.path.join(folder, "timing.json"), "w") as f:
        json.dump({"fitSeconds": t1 - t0, "predictSeconds": t2 - t1, "sklearn": __import__("sklearn").__version__}, f)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: sklearn_kmeans.py FOLDER")
    main(sys.argv[1])
