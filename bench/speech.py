"""Benchmark the speech parser: characters per second (cold and warm) and peak memory.

    python bench/speech.py [CORPUS_DIR]

Cold start = the first pass over the corpus, including importing the package and loading
the lexicons. Warm = the mean of three further passes. Peak memory is measured in a separate
pass under tracemalloc (Python allocations) and as the process's maximum resident set size.
"""
from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from pathlib import Path


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    files = sorted(root.glob("*.txt"))
    if not files:
        print(f"没有找到语料：{root}")
        return 2
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    chars = sum(len(t) for t in texts)
    nbytes = sum(len(t.encode("utf-8")) for t in texts)

    t0 = time.perf_counter()
    from diaodu.speech import parse  # imports and lexicon loading count as cold start

    for t in texts:
        parse(t)
    cold = time.perf_counter() - t0

    rounds = 3
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for t in texts:
            parse(t)
    warm = (time.perf_counter() - t0) / rounds
    warm_cpu = (time.process_time() - c0) / rounds

    tracemalloc.start()
    for t in texts:
        parse(t)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    print(f"files {len(files)}, characters {chars}, UTF-8 bytes {nbytes}")
    print(f"cold start: {cold:.3f} s, {chars / cold:,.0f} chars/s, {nbytes / cold / 1e6:.2f} MB/s")
    print(f"warm:       {warm:.3f} s, {chars / warm:,.0f} chars/s, {nbytes / warm / 1e6:.2f} MB/s")
    print(f"warm (CPU time of this process, fair on a busy machine): {warm_cpu:.3f} s, "
          f"{chars / warm_cpu:,.0f} chars/s, {nbytes / warm_cpu / 1e6:.2f} MB/s")
    print(f"peak memory: {peak / 1e6:.1f} MB traced Python allocations during one pass, "
          f"max RSS {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
