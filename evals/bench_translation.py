"""Translation desk benchmark: pipeline vs bare engine on the same sentences, a 20-page DOCX end to
end, peak memory, and the second run of the same document served from the translation memory.

No real Argos package exists offline, so the engine is a random-weight Argos package of realistic
shape (SentencePiece vocabulary trained on the FLORES dev text, a Marian transformer converted to
CTranslate2 int8). Its output is meaningless, but it costs what an engine costs, which is what the
overhead and memory-reuse figures need. The text is the FLORES-200 French dev half (read from
../shared at run time).

    python -m evals.bench_translation [--out evals/results/bench_translation.json] [--pages 20]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from evals.common import RESULTS, SHARED, save_json

FLORES = SHARED / "evals" / "flores200_devtest_mt" / "dev"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_engine_package(work: Path, *, d_model: int, layers: int) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.translation.tiny_argos import build_argos_package

    corpus = (FLORES / "fra_Latn.txt").read_text("utf-8").splitlines() + \
        (FLORES / "eng_Latn.txt").read_text("utf-8").splitlines()
    archive = build_argos_package(work / "build", "fr", "en", corpus=corpus, vocab_size=8000, d_model=d_model,
                                  layers=layers)
    from translation.engines.argos import install_package_file

    install_package_file(archive, work / "packages")
    return work / "packages"


def make_docx(path: Path, sentences: list[str], pages: int) -> int:
    """A report-like DOCX: per page a heading, paragraphs of 4 sentences (one bold phrase each), a
    small table; ~`pages` pages of A4 text. Returns the number of words."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "CLEISS - dossier de traduction"
    per_page = max(1, len(sentences) // pages)
    words = 0
    for page in range(pages):
        chunk = sentences[page * per_page:(page + 1) * per_page]
        document.add_heading(f"Partie {page + 1}", 2)
        for i in range(0, len(chunk), 4):
            group = chunk[i:i + 4]
            paragraph = document.add_paragraph()
            first_words = group[0].split(" ", 3)
            paragraph.add_run(" ".join(first_words[:3]) + " ").bold = True
            paragraph.add_run(" ".join(first_words[3:]) + " " + " ".join(group[1:]))
            words += sum(len(s.split()) for s in group)
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Référence", "Date"
        table.cell(1, 0).text, table.cell(1, 1).text = f"A1-{page:04d}", "12/03/2024"
        if page < pages - 1:
            document.add_page_break()
    document.save(str(path))
    return words


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=RESULTS / "bench_translation.json")
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--d-model", type=int, default=256)
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--sentences", type=int, default=300, help="sentences for the pipeline-vs-engine run")
    parser.add_argument("--repeat", type=int, default=2, help="alternating runs of engine and pipeline (min taken)")
    args = parser.parse_args(argv)

    import liaison  # noqa: F401  (offline defaults)
    from liaison.settings import Settings
    from translation.engines.argos import ArgosEngine
    from translation.pipeline import Translator
    from translation.segments import split_sentences

    work = Path(tempfile.mkdtemp(prefix="bench-translation-"))
    try:
        t0 = time.perf_counter()
        packages = build_engine_package(work, d_model=args.d_model, layers=args.layers)
        build_seconds = time.perf_counter() - t0
        sentences = [s for s in (FLORES / "fra_Latn.txt").read_text("utf-8").splitlines() if s.strip()]
        settings = Settings(data_dir=work / "data", translation_argos_dir=packages, translation_llm_fallback=False,
                            translation_batch_size=16).ensure_dirs()
        rss_start = _rss_mb()

        # 1. Bare engine vs whole pipeline on the same sentences. The machine is shared, so the two are
        #    measured alternately, `--repeat` times each, and the fastest run of each is compared.
        sample = sentences[:args.sentences]
        text = "\n\n".join(sample)
        engine_inputs = [para[a:b] for para in sample for a, b in split_sentences(para, "fr")]
        words = sum(len(s.split()) for s in sample)
        engine = ArgosEngine(settings)
        engine.translate(engine_inputs[:4], "fr", "en")  # load the model once for both measurements
        txt = work / "sample.txt"
        txt.write_text(text, "utf-8")
        # A desk's memory is not empty: 1500 confirmed pairs (WMT14 dev), so fuzzy look-ups do real work.
        template = Translator(settings)
        wmt = SHARED / "evals" / "wmt14_newstest_fr_en" / "dev"
        pairs = zip((wmt / "newstest2014.fra.txt").read_text("utf-8").splitlines(),
                    (wmt / "newstest2014.eng.txt").read_text("utf-8").splitlines())
        t0 = time.perf_counter()
        memory_entries = 0
        for fr, en in pairs:
            if fr.strip() and en.strip():
                template.memory.confirm("fr", "en", fr, en, by="bench")
                memory_entries += 1
        memory_load_seconds = time.perf_counter() - t0
        template_db = settings.data_dir / "liaison.db"
        bare_runs, pipeline_runs = [], []
        for repeat in range(args.repeat):
            t0 = time.perf_counter()
            for i in range(0, len(engine_inputs), settings.translation_batch_size):
                engine.translate(engine_inputs[i:i + settings.translation_batch_size], "fr", "en")
            bare_runs.append(time.perf_counter() - t0)
            run_dir = work / f"run{repeat}"
            run_dir.mkdir()
            shutil.copy(template_db, run_dir / "liaison.db")  # same memory, nothing of this text in it
            run_settings = settings.model_copy(update={"data_dir": run_dir})
            translator = Translator(run_settings)
            translator.translate_texts(["Initialisation du détecteur de langue."], "en", source="fr")  # warm-up
            t0 = time.perf_counter()
            result = translator.translate_document(txt, "en", source="auto", out=run_dir / "sample.en.txt")
            pipeline_runs.append(time.perf_counter() - t0)
        bare_seconds, pipeline_seconds = min(bare_runs), min(pipeline_runs)
        overhead = (pipeline_seconds - bare_seconds) / bare_seconds

        # 2. 20-page DOCX end to end (fresh database: nothing in the memory), then the same again.
        settings_docx = Settings(data_dir=work / "data-docx", translation_argos_dir=packages,
                                 translation_llm_fallback=False, translation_batch_size=16).ensure_dirs()
        docx_path = work / "rapport.docx"
        docx_words = make_docx(docx_path, sentences, args.pages)
        translator = Translator(settings_docx)
        t0 = time.perf_counter()
        first = translator.translate_document(docx_path, "en", out=work / "rapport.en.docx")
        first_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        second = translator.translate_document(docx_path, "en", out=work / "rapport.en.2.docx")
        second_seconds = time.perf_counter() - t0
        rss_end = _rss_mb()
        origins_second = second.stats["origins"]

        results = {
            "engine": {"kind": "random-weight Argos/CTranslate2 package of realistic shape (quality meaningless)",
                       "d_model": args.d_model, "layers": args.layers, "vocab": 8000, "build_seconds": round(build_seconds, 1),
                       "threads": os.cpu_count(), "batch_size": settings.translation_batch_size},
            "pipeline_vs_engine": {
                "sentences": len(engine_inputs), "words": words,
                "bare_engine_seconds": round(bare_seconds, 2), "bare_engine_words_per_s": round(words / bare_seconds, 1),
                "pipeline_seconds": round(pipeline_seconds, 2), "pipeline_words_per_s": round(words / pipeline_seconds, 1),
                "overhead_percent": round(100 * overhead, 1), "goal_overhead_percent": 10,
                "pipeline_segments": result.stats["segments"],
                "memory_entries_before": memory_entries, "memory_load_seconds": round(memory_load_seconds, 1),
                "bare_engine_runs_s": [round(x, 2) for x in bare_runs],
                "pipeline_runs_s": [round(x, 2) for x in pipeline_runs],
                "pipeline_origins": result.stats["origins"],
            },
            "docx_20_pages": {
                "pages": args.pages, "words": docx_words, "segments": first.stats["segments"],
                "first_run_seconds": round(first_seconds, 2), "first_run_words_per_s": round(docx_words / first_seconds, 1),
                "second_run_seconds": round(second_seconds, 2), "speedup_from_memory": round(first_seconds / second_seconds, 1),
                "goal_speedup": 20, "second_run_origins": origins_second,
                "flags_first_run": first.stats["flags"],
            },
            "memory": {"peak_rss_mb": round(rss_end, 1), "rss_before_translation_mb": round(rss_start, 1)},
            "machine_note": "2 shared cores; other developers' jobs run at the same time (timings are noisy)",
        }
        save_json(results, args.out)
        p = results["pipeline_vs_engine"]
        d = results["docx_20_pages"]
        print(f"pipeline vs bare engine ({p['sentences']} sentences, {words} words): engine {p['bare_engine_words_per_s']} "
              f"words/s, pipeline {p['pipeline_words_per_s']} words/s, overhead {p['overhead_percent']}% (goal <= 10%)")
        print(f"20-page DOCX ({docx_words} words, {d['segments']} segments): {d['first_run_seconds']} s "
              f"({d['first_run_words_per_s']} words/s); second run from memory {d['second_run_seconds']} s: "
              f"{d['speedup_from_memory']}x faster (goal >= 20x); origins {origins_second}")
        print(f"peak RSS {results['memory']['peak_rss_mb']} MB; results in {args.out}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
