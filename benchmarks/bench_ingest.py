"""Ingest + suggest throughput against the model's raw encode speed, measured in the same run.

Run: python -m benchmarks.bench_ingest [--documents 200]. Generates a mixed-format corpus (Markdown, HTML, text,
DOCX, PDF; about 10 passages each) in a temporary workspace, then prints: passages/s of ingest + suggest,
the raw `encode` passages/s of the same model on the same passages (before and after, averaged), the second
(unchanged) ingest time as a share of the first, the peak RSS of the process and the load average.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from pathlib import Path

from aimsgraph.documents.extraction import extract
from aimsgraph.documents.ingest import ingest_documents
from aimsgraph.suggest.embedding import Encoder, load_encoder
from aimsgraph.suggest.suggestions import make_ranker, suggest_for_workspace
from aimsgraph.workspace import Workspace

TOPICS = [
    "event logs",
    "risk assessment",
    "impact assessment",
    "supplier due diligence",
    "training records",
    "data provenance",
    "model release",
    "incident response",
    "internal audit",
    "management review",
]
VERBS = ["records", "reviews", "approves", "monitors", "documents", "tests", "reports on", "retains"]
ACTORS = ["The AI governance lead", "The model owner", "The risk committee", "Each system owner", "Internal audit"]


def paragraph(rng: random.Random) -> str:
    """About 60 words of governance prose."""
    sentences = [
        f"{rng.choice(ACTORS)} {rng.choice(VERBS)} the {rng.choice(TOPICS)} for every AI system in scope "
        f"at least every {rng.randint(1, 12)} months and keeps the results for {rng.randint(2, 7)} years."
        for _ in range(3)
    ]
    return " ".join(sentences)


def write_corpus(folder: Path, documents: int, seed: int = 0) -> None:
    """`documents` files in five formats, ten sections of one paragraph each."""
    import docx
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    rng = random.Random(seed)
    styles = getSampleStyleSheet()
    for n in range(documents):
        sections = [(f"Section {i + 1}: {rng.choice(TOPICS)}", paragraph(rng)) for i in range(10)]
        kind = ("md", "html", "txt", "docx", "pdf")[n % 5]
        path = folder / f"doc-{n:03d}.{kind}"
        if kind == "md":
            path.write_text("\n\n".join(f"## {h}\n\n{p}" for h, p in sections), encoding="utf-8")
        elif kind == "html":
            path.write_text("".join(f"<h2>{h}</h2><p>{p}</p>" for h, p in sections), encoding="utf-8")
        elif kind == "txt":
            path.write_text("\n\n".join(p for _, p in sections), encoding="utf-8")
        elif kind == "docx":
            document = docx.Document()
            for heading, text in sections:
                document.add_heading(heading, level=2)
                document.add_paragraph(text)
            document.save(str(path))
        else:
            story = [Paragraph(x, styles[s]) for h, p in sections for x, s in ((h, "Heading2"), (p, "Normal"))]
            SimpleDocTemplate(str(path)).build(story)


def raw_encode_rate(encoder: Encoder | None, texts: list[str]) -> tuple[float, float]:
    """Passages per wall-clock second and per CPU second of the model's own `encode` (0 without a model)."""
    if encoder is None or not texts:
        return 0.0, 0.0
    wall, cpu = time.perf_counter(), time.process_time()
    encoder.encode(texts)
    return len(texts) / (time.perf_counter() - wall), len(texts) / (time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    encoder = load_encoder("default")  # loaded once up front: the fixed start-up cost is not throughput
    make_ranker("default").prepare()  # so is the catalog side, encoded once per process and model
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace.init(Path(tmp) / "ws")
        write_corpus(workspace.documents_dir, args.documents)
        texts = [p.text for f in sorted(workspace.documents_dir.iterdir()) for p in extract(f).passages]
        raw_before = raw_encode_rate(encoder, texts)  # same passages, measured before and after (load varies)
        started, cpu = time.perf_counter(), time.process_time()
        report = ingest_documents(workspace)
        first_ingest = time.perf_counter() - started
        suggest_for_workspace(workspace, top_k=5)
        total, total_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        again = ingest_documents(workspace)
        second_ingest = time.perf_counter() - started
        workspace.close()
    raw_after = raw_encode_rate(encoder, texts)
    raw, raw_cpu = (raw_before[0] + raw_after[0]) / 2, (raw_before[1] + raw_after[1]) / 2
    rate, rate_cpu = report.passages / total, report.passages / total_cpu
    print(f"load average before: {load_before:.1f}, after: {os.getloadavg()[0]:.1f} (2 cores)")
    print(f"documents: {len(report.ingested)} ingested, {len(report.skipped)} skipped; passages: {report.passages}")
    print(f"ingest + suggest: {total:.1f} s = {rate:.1f} passages/s (first ingest alone {first_ingest:.1f} s)")
    print(f"raw encode, same model and passages: {raw:.1f} passages/s (before and after, averaged)")
    print(f"ratio, wall clock: {rate / raw if raw else 0.0:.2f}")
    # CPU seconds of this process do not depend on what other jobs on the machine are doing.
    print(f"ratio, CPU time: {rate_cpu / raw_cpu if raw_cpu else 0.0:.2f} ({rate_cpu:.1f} vs {raw_cpu:.1f} passages/s)")
    print(
        f"second, unchanged ingest: {second_ingest:.2f} s = {100 * second_ingest / first_ingest:.1f}% of the first"
        f" ({len(again.unchanged)} unchanged)"
    )
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
