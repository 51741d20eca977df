"""Upload benchmark: the portal's evidence route vs a bare boto3 put_object.

Starts moto's S3 server in a subprocess on a loopback port, serves the portal (S3 store)
in this process, signs in as a demo unit member and uploads 1, 10 and 50 MB PDFs through
``POST /api/nhiem-vu/<id>/minh-chung``; then puts the same bytes with boto3 to the same
endpoint. Prints time, peak Python memory and the process's memory growth (peak RSS over
RSS before the upload) for each, and the ratio portal/bare; the last line is always
``upload_50MB_ratio=R``.

    .venv/bin/python bench/upload.py [--sizes 1 10 50] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import boto3
import requests
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.migrate import upgrade  # noqa: E402
from db.session import make_engine, make_session_factory
from db.unit_of_work import unit_of_work  # noqa: E402
from portal.app import create_app  # noqa: E402
from portal.settings import Settings  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_pdf(path: Path, megabytes: int) -> None:
    """A valid PDF of about the given size (random bytes as an embedded file)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("du-lieu.bin", os.urandom(megabytes * 1024 * 1024 - 2048))
    with path.open("wb") as handle:
        writer.write(handle)


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def reset_peak_rss() -> int | None:
    """RSS now (bytes) after resetting the peak (Linux); None where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status_kb("VmRSS") * 1024
    except (OSError, KeyError):
        return None


def start_moto() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                                str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(endpoint, timeout=0.5)
            return process, endpoint
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--repeat", type=int, default=4)
    args = parser.parse_args()
    sizes = [size for size in args.sizes if size != 50] + [50]
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    moto, endpoint = start_moto()
    work = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    try:
        url = f"sqlite:///{work / 'bench.db'}"
        upgrade(url)
        from workflow.demo import load_demo

        with unit_of_work(make_session_factory(make_engine(url))) as session:
            load_demo(session)
        settings = Settings(database_url=url, secret_key="bench", var_dir=work,
                            storage_backend="s3", s3_bucket="evidence",
                            s3_endpoint_url=endpoint, s3_access_key="bench",
                            s3_secret_key="bench", s3_create_bucket=True, max_upload_mb=60)
        app = create_app(settings)
        from werkzeug.serving import make_server

        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        client = requests.Session()
        page = client.get(f"{base}/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post(f"{base}/login", data={"username": "ubnd", "password": "DonVi@2026",
                                           "csrf_token": token}, headers={"Origin": base})
        engine = make_engine(url)
        with engine.connect() as connection:
            from sqlalchemy import text

            task_id = connection.scalar(text("select id from tasks where code = 'II.1'"))
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          config=Config(request_checksum_calculation="when_required",
                                        response_checksum_validation="when_required",
                                        s3={"addressing_style": "path"}))
        last_ratio = None
        for size in sizes:
            path = work / f"bien-ban-{size}MB.pdf"
            make_pdf(path, size)
            portal_times, bare_times, managed_times, peaks, growths = [], [], [], [], []
            for attempt in range(args.repeat):
                # Odd attempts trace memory (tracemalloc slows allocation); even ones time.
                tracing = attempt % 2 == 1
                data = path.read_bytes()
                if tracing:
                    rss_before = reset_peak_rss()
                    tracemalloc.start()
                # The browser's bytes are in memory, as they are for the bare put below.
                started = time.perf_counter()
                response = client.post(
                    f"{base}/api/nhiem-vu/{task_id}/minh-chung?ten={path.name}"
                    "&loai=signed_document", data=data, headers={
                        "Origin": base, "Content-Type": "application/octet-stream"})
                if tracing:
                    peaks.append(tracemalloc.get_traced_memory()[1])
                    tracemalloc.stop()
                    if rss_before is not None:
                        growths.append(_status_kb("VmHWM") * 1024 - rss_before)
                else:
                    portal_times.append(time.perf_counter() - started)
                if response.status_code != 201:
                    raise SystemExit(f"upload failed: {response.status_code} {response.text}")
                started = time.perf_counter()
                s3.put_object(Bucket="evidence", Key=f"bare/{size}-{attempt}", Body=data)
                bare_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                s3.upload_fileobj(io.BytesIO(data), "evidence", f"managed/{size}-{attempt}",
                                  Config=TransferConfig(multipart_threshold=8 * 1024 * 1024,
                                                        multipart_chunksize=8 * 1024 * 1024))
                managed_times.append(time.perf_counter() - started)
                del data
            portal, bare = min(portal_times), min(bare_times)
            last_ratio = portal / bare
            managed = min(managed_times)
            print(f"upload_{size}MB portal={portal:.3f}s bare_put_object={bare:.3f}s "
                  f"boto3_managed_multipart={managed:.3f}s "
                  f"portal_peak_python_memory={max(peaks or [0]) / 1024 / 1024:.1f}MB "
                  f"portal_memory_growth={max(growths or [0]) / 1024 / 1024:.1f}MB "
                  f"ratio_vs_put_object={last_ratio:.2f} "
                  f"ratio_vs_managed_multipart={portal / managed:.2f}", flush=True)
        server.shutdown()
        print(f"upload_50MB_ratio={last_ratio:.2f}")
    finally:
        moto.terminate()
        moto.wait(timeout=10)


if __name__ == "__main__":
    main()
