"""Signature validation benchmark: a 50 MB signed PDF, validated from a file.

Builds a test PKI (root → intermediate → signer), a PDF padded with incompressible data to
the requested size, signs it with pyHanko and writes it to a temporary file. Each
validation then runs in a fresh Python process (so memory figures are its own) that opens
the file and validates it through ``storage.pdf_signatures.validate_pdf``; it prints the
time taken, the peak of Python allocations (tracemalloc) and the process's peak RSS. The
same is done for a small signed PDF: the difference in peak RSS is what the file's size
costs. Holding one copy of the file in memory would add at least its size.

    .venv/bin/python bench/signatures.py [--mb 50]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _validate_child(path: str, root_pem: str) -> None:
    from storage.pdf_signatures import TrustStore, load_certificates, validate_pdf

    trust = TrustStore(roots=tuple(load_certificates(Path(root_pem).read_bytes())))
    # pyHanko is imported lazily by validate_pdf: import it first so only validation counts.
    import pyhanko.sign.validation  # noqa: F401
    import pyhanko_certvalidator  # noqa: F401
    from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: F401

    tracemalloc.start()
    started = time.perf_counter()
    with open(path, "rb") as handle:
        result = validate_pdf(handle, trust=trust)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "python_peak_mb": peak / 2**20,
                      "max_rss_mb": rss_kb / 1024,
                      "valid": [s["valid"] for s in result["signatures"]]}))


def _run(path: Path, root_pem: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(path), str(root_pem)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50, help="size of the large PDF")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _validate_child(*args.child)
        return

    from tests.signing import blank_pdf, build_pki, sign

    pki = build_pki()
    with tempfile.TemporaryDirectory() as folder:
        root_pem = Path(folder) / "root.pem"
        root_pem.write_bytes(pki.root.pem)
        started = time.perf_counter()
        files = {}
        for label, size in (("small", 100 * 1024), ("large", args.mb * 2**20)):
            data = sign(blank_pdf(padding=size), pki.signer, chain=(pki.intermediate,))
            files[label] = Path(folder) / f"{label}.pdf"
            files[label].write_bytes(data)
            del data
        print(f"build_and_sign seconds={time.perf_counter() - started:.1f}")
        for label, path in files.items():
            best = min((_run(path, root_pem) for _ in range(2)), key=lambda r: r["seconds"])
            print(f"validate_{label} size_mb={path.stat().st_size / 2**20:.1f} "
                  f"seconds={best['seconds']:.3f} python_peak_mb={best['python_peak_mb']:.1f} "
                  f"max_rss_mb={best['max_rss_mb']:.1f} valid={best['valid']}")


if __name__ == "__main__":
    main()
